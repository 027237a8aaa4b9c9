/**
 * What the mailto notifier sends, decided without any I/O (Zaqar's
 * `zaqar.notification.tasks.mailto.MailtoTask.execute`):
 *
 * - recipients: the path of `mailto:addr[,addr...][?subject=...]`,
 *   percent-decoded and split on commas (RFC 6068; Zaqar passes the raw
 *   path as one To value);
 * - a notification: From = subscription option `from` (Zaqar leaves From
 *   empty without it; we use the sender of the subscription confirmation
 *   template), Subject = the URI's `subject` query parameter (key in any
 *   case) else option `subject`, body = the document as Zaqar writes JSON;
 * - a confirmation: subject (`topic`), body and From (`sender`) from the
 *   `[notification]` e-mail template of its kind, the body's `{0}` `{1}`
 *   `{2}` replaced by queue, project and the confirmation link.
 */
import type { NotificationOptions } from '../../../zaqar/config/groups/notification';
import { notificationJson, type Delivery } from '../../../zaqar/notification/notifier';

/** A mail ready to hand to nodemailer (addresses as written, possibly `Name <addr>`). */
export interface MailFields {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/** A delivery that can never be sent; `deliver` turns it into `failed`. */
export class UnsendableMail extends Error {}

export interface ParsedMailto {
  addresses: string[];
  /** The `subject` query value, whatever the key's case (see querySubject). */
  subject: string | undefined;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The subject as Zaqar reads it: `parse_qs` (values decoded with '+' as a
 * space, blank ones dropped, grouped by key in order of first appearance),
 * then keys lower-cased into a dict, so of `Subject=a&subject=b` the key
 * seen first last wins; Zaqar then uses that key's list of values, we its
 * first value.
 */
function querySubject(query: string): string | undefined {
  // URLSearchParams decodes as parse_qs does ('+' is a space, bad escapes stay as written).
  const groups = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(query)) {
    if (value === '') continue;
    const values = groups.get(key) ?? [];
    values.push(value);
    groups.set(key, values);
  }
  let subject: string | undefined;
  for (const [key, values] of groups) if (key.toLowerCase() === 'subject') subject = values[0];
  return subject;
}

/** Splits a subscriber URI into its recipients and the subject it asks for. Throws UnsendableMail. */
export function parseMailto(uri: string): ParsedMailto {
  const scheme = /^mailto:/i.exec(uri);
  if (!scheme) throw new UnsendableMail(`not a mailto URI: ${uri}`);
  let rest = uri.slice(scheme[0].length);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  const rawPath = question >= 0 ? rest.slice(0, question) : rest;
  const query = question >= 0 ? rest.slice(question + 1) : '';
  // Python's urlparse reads `mailto://x` as a host and an empty path: Zaqar has no recipient there either.
  if (rawPath.startsWith('//')) throw new UnsendableMail(`mailto URI without an address (write mailto:user@example.com): ${uri}`);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new UnsendableMail(`mailto URI with a malformed percent-encoding: ${uri}`);
  }
  const addresses = path
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (addresses.length === 0) throw new UnsendableMail(`mailto URI without an address: ${uri}`);
  const bad = addresses.find((a) => CONTROL.test(a));
  if (bad !== undefined) throw new UnsendableMail(`mailto URI with a control character in an address: ${uri}`);

  return { addresses, subject: querySubject(query) };
}

/**
 * Python's `str.format` for the templates: `{0}`, `{1}`, `{2}`, `{}` (the
 * next argument), `{{` and `}}`. Anything else Zaqar's `body.format` would
 * also fail on or render in ways no template needs (a missing argument,
 * format specs, attribute access): UnsendableMail.
 */
export function pythonFormat(template: string, args: readonly string[]): string {
  let out = '';
  let automatic = 0;
  let numbering: 'automatic' | 'manual' | undefined;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '}') {
      if (template[i + 1] !== '}') throw new UnsendableMail(`e-mail template: single '}' at ${i}`);
      out += '}';
      i++;
      continue;
    }
    if (c !== '{') {
      out += c;
      continue;
    }
    if (template[i + 1] === '{') {
      out += '{';
      i++;
      continue;
    }
    const end = template.indexOf('}', i);
    if (end < 0) throw new UnsendableMail(`e-mail template: single '{' at ${i}`);
    const field = template.slice(i + 1, end);
    let index: number;
    if (field === '') {
      if (numbering === 'manual') throw new UnsendableMail('e-mail template: cannot mix {} and {N}');
      numbering = 'automatic';
      index = automatic++;
    } else if (/^\d+$/.test(field)) {
      if (numbering === 'automatic') throw new UnsendableMail('e-mail template: cannot mix {} and {N}');
      numbering = 'manual';
      index = Number(field);
    } else {
      throw new UnsendableMail(`e-mail template: unsupported field {${field}} (use {0} queue, {1} project, {2} link)`);
    }
    if (index >= args.length) throw new UnsendableMail(`e-mail template: no value for {${field}} (use {0} queue, {1} project, {2} link)`);
    out += args[index];
    i = end;
  }
  return out;
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/**
 * The link of a confirmation mail, concatenated exactly as Zaqar's
 * `_make_confirm_string` does: no percent-encoding of the values, `?` even
 * when the base URL already has a query.
 */
export function confirmationLink(baseUrl: string, document: Record<string, unknown>, queue: string): string {
  return (
    baseUrl +
    '?Signature=' + text(document['URL-Signature']) +
    '&Methods=' + text(document['URL-Methods']) +
    '&Paths=' + text(document['URL-Paths']) +
    '&Project=' + text(document['X-Project-ID']) +
    '&Expires=' + text(document['URL-Expires']) +
    '&Url=' + text(document.WSGISubscribeURL) +
    '&Queue=' + queue
  );
}

/** A header value on one line (a CR or LF in a subscription option must not start a header of its own). */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

export type TemplateKey = 'topic' | 'body' | 'sender';
export type EmailTemplate = Readonly<Record<TemplateKey, string>>;

/** The options composeMail reads from `[notification]`, templates completed with the defaults. */
export interface MailSettings {
  externalConfirmationUrl: string | null;
  subscriptionTemplate: EmailTemplate;
  unsubscribeTemplate: EmailTemplate;
}

/** `[notification]` as composeMail needs it: a configured template lacking a key takes the default's. */
export function mailSettings(options: Readonly<NotificationOptions>, defaults: Readonly<Record<'subscription' | 'unsubscribe', EmailTemplate>>): MailSettings {
  const complete = (configured: Readonly<Record<string, string>> | undefined, fallback: EmailTemplate): EmailTemplate => ({
    topic: configured?.topic ?? fallback.topic,
    body: configured?.body ?? fallback.body,
    sender: configured?.sender ?? fallback.sender,
  });
  return {
    externalConfirmationUrl: options.external_confirmation_url || null,
    subscriptionTemplate: complete(options.subscription_confirmation_email_template, defaults.subscription),
    unsubscribeTemplate: complete(options.unsubscribe_confirmation_email_template, defaults.unsubscribe),
  };
}

/** The mail for one delivery. Throws UnsendableMail when it can never be sent. */
export function composeMail(delivery: Delivery, settings: MailSettings): MailFields {
  const { addresses, subject: uriSubject } = parseMailto(delivery.subscription.subscriber);
  const document = delivery.document;
  if (delivery.kind === 'notification') {
    const options = delivery.subscription.options ?? {};
    const from = typeof options.from === 'string' && options.from.trim() !== '' ? options.from : settings.subscriptionTemplate.sender;
    const optionSubject = typeof options.subject === 'string' ? options.subject : '';
    return { from: oneLine(from), to: addresses, subject: oneLine(uriSubject ?? optionSubject), text: notificationJson(document) };
  }
  const template = delivery.kind === 'subscription_confirmation' ? settings.subscriptionTemplate : settings.unsubscribeTemplate;
  if (!settings.externalConfirmationUrl) {
    throw new UnsendableMail("can't make the confirmation e-mail: [notification] external_confirmation_url is not set");
  }
  const queue = typeof document.queue_name === 'string' ? document.queue_name : delivery.subscription.source;
  const project = text(document['X-Project-ID'] ?? delivery.project);
  const link = confirmationLink(settings.externalConfirmationUrl, document, queue);
  return {
    from: oneLine(template.sender),
    to: addresses,
    subject: oneLine(template.topic),
    text: pythonFormat(template.body, [queue, project, link]),
  };
}
