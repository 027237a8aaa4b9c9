/**
 * Retry schedules computed by Zaqar 15 itself (Debian's python3-zaqar on
 * Python 3.11, glibc 2.36): `WebhookTask._retry_post(sub, queue, ...)` of
 * `zaqar.notification.tasks.webhook` ran with every attempt failing and
 * `time.sleep` replaced by a recorder (argument checks as the real one's:
 * a negative delay raises ValueError); `schedule` is the delay slept before
 * each retry, `error` what the task raised, if anything. Schedules longer
 * than 60 retries were cut there (`limit`).
 */
export interface PythonScheduleCase {
  sub: Record<string, unknown>;
  queue: Record<string, unknown>;
  schedule: number[];
  error: string | null;
}

export const PYTHON_SCHEDULES: readonly PythonScheduleCase[] = [
  {"sub": {}, "queue": {}, "schedule": [0, 0, 0, 5, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30], "error": null},
  {"sub": {"retry_backoff_function": "linear"}, "queue": {}, "schedule": [0, 0, 0, 5, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30], "error": null},
  {"sub": {"retry_backoff_function": "arithmetic"}, "queue": {}, "schedule": [0, 0, 0, 5, 5, 5, 5, 7, 12, 20, 30, 30, 30, 30], "error": null},
  {"sub": {"retry_backoff_function": "geometric"}, "queue": {}, "schedule": [0, 0, 0, 5, 5, 5, 5, 7, 12, 19, 30, 30, 30, 30], "error": null},
  {"sub": {"retry_backoff_function": "exponential"}, "queue": {}, "schedule": [0, 0, 0, 5, 5, 5, 5, 7, 12, 19, 30, 30, 30, 30], "error": null},
  {"sub": {"retries_with_no_delay": 1, "minimum_delay_retries": 2, "minimum_delay": 2, "maximum_delay": 20, "maximum_delay_retries": 1}, "queue": {"retries_with_no_delay": 0}, "schedule": [0, 2, 2, 2, 7, 12, 17, 20], "error": null},
  {"sub": {}, "queue": {"retries_with_no_delay": 0, "minimum_delay_retries": 1, "maximum_delay_retries": 0, "retry_backoff_function": "arithmetic"}, "schedule": [5, 5, 7, 12, 20, 30], "error": null},
  {"sub": {"retries_with_no_delay": 5, "ignore_subscription_override": true}, "queue": {"retries_with_no_delay": 1, "minimum_delay_retries": 0, "maximum_delay_retries": 0}, "schedule": [0, 5, 10, 15, 20, 25], "error": null},
  {"sub": {"retries_with_no_delay": 5}, "queue": {"retries_with_no_delay": 1, "minimum_delay_retries": 0, "maximum_delay_retries": 0, "ignore_subscription_override": true}, "schedule": [0, 5, 10, 15, 20, 25], "error": null},
  {"sub": {"ignore_subscription_override": true}, "queue": {}, "schedule": [0, 0, 0, 5, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30], "error": null},
  {"sub": {"ignore_subscription_override": false, "retries_with_no_delay": 0}, "queue": {"retries_with_no_delay": 7}, "schedule": [5, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30], "error": null},
  {"sub": {"retries_with_no_delay": 0, "minimum_delay_retries": 0, "maximum_delay_retries": 0}, "queue": {}, "schedule": [5, 10, 15, 20, 25], "error": null},
  {"sub": {"retries_with_no_delay": -2, "minimum_delay_retries": -1, "maximum_delay_retries": -5}, "queue": {}, "schedule": [5, 10, 15, 20, 25], "error": null},
  {"sub": {"retries_with_no_delay": true, "minimum_delay_retries": false, "maximum_delay_retries": true}, "queue": {}, "schedule": [0, 5, 10, 15, 20, 25, 30], "error": null},
  {"sub": {"minimum_delay": 0}, "queue": {}, "schedule": [0, 0, 0, 0, 0, 0, 0, 5, 10, 15, 20, 25, 30, 30, 30], "error": null},
  {"sub": {"minimum_delay": 0, "retry_backoff_function": "arithmetic"}, "queue": {}, "schedule": [0, 0, 0, 0, 0, 0, 0, 2, 6, 12, 20, 30, 30, 30, 30], "error": null},
  {"sub": {"minimum_delay": 0, "retry_backoff_function": "geometric"}, "queue": {}, "schedule": [0, 0, 0, 0, 0, 0], "error": "ZeroDivisionError"},
  {"sub": {"minimum_delay": 0, "retry_backoff_function": "exponential"}, "queue": {}, "schedule": [0, 0, 0, 0, 0, 0], "error": "ZeroDivisionError"},
  {"sub": {"minimum_delay": -5}, "queue": {}, "schedule": [0, 0, 0], "error": "ValueError"},
  {"sub": {"minimum_delay": -5, "minimum_delay_retries": 0}, "queue": {}, "schedule": [0, 0, 0], "error": "ValueError"},
  {"sub": {"minimum_delay": -5, "minimum_delay_retries": 0, "retry_backoff_function": "arithmetic"}, "queue": {}, "schedule": [0, 0, 0], "error": "ValueError"},
  {"sub": {"minimum_delay": -5, "minimum_delay_retries": 0, "retry_backoff_function": "geometric"}, "queue": {}, "schedule": [0, 0, 0], "error": "ValueError"},
  {"sub": {"minimum_delay": -30, "maximum_delay": -10, "minimum_delay_retries": 0, "retry_backoff_function": "linear"}, "queue": {}, "schedule": [0, 0, 0], "error": "ValueError"},
  {"sub": {"minimum_delay": 5, "maximum_delay": 15, "retry_backoff_function": "linear"}, "queue": {}, "schedule": [0, 0, 0, 5, 5, 5, 5, 10, 15, 15, 15], "error": null},
  {"sub": {"minimum_delay": 5, "maximum_delay": 15, "retry_backoff_function": "arithmetic"}, "queue": {}, "schedule": [0, 0, 0, 5, 5, 5, 5, 15, 15, 15, 15], "error": null},
  {"sub": {"minimum_delay": 5, "maximum_delay": 15, "retry_backoff_function": "geometric"}, "queue": {}, "schedule": [0, 0, 0, 5, 5, 5, 5, 15, 15, 15, 15], "error": null},
  {"sub": {"minimum_delay": 5, "maximum_delay": 15, "retry_backoff_function": "exponential"}, "queue": {}, "schedule": [0, 0, 0, 5, 5, 5, 5, 15, 15, 15, 15], "error": null},
  {"sub": {"minimum_delay": 10, "maximum_delay": 12, "retry_backoff_function": "arithmetic"}, "queue": {}, "schedule": [0, 0, 0, 10, 10, 10], "error": "ZeroDivisionError"},
  {"sub": {"minimum_delay": 10, "maximum_delay": 12, "retry_backoff_function": "geometric"}, "queue": {}, "schedule": [0, 0, 0, 10, 10, 10, 12, 12, 12], "error": null},
  {"sub": {"minimum_delay": 10, "maximum_delay": 16, "retry_backoff_function": "arithmetic"}, "queue": {}, "schedule": [0, 0, 0, 10, 10, 10], "error": "ZeroDivisionError"},
  {"sub": {"minimum_delay": 10, "maximum_delay": 16, "retry_backoff_function": "geometric"}, "queue": {}, "schedule": [0, 0, 0, 10, 10, 10], "error": "ZeroDivisionError"},
  {"sub": {"minimum_delay": 10, "maximum_delay": 16, "retry_backoff_function": "linear"}, "queue": {}, "schedule": [0, 0, 0, 10, 10, 10, 10, 15, 16, 16, 16], "error": null},
  {"sub": {"minimum_delay": 30, "maximum_delay": 5, "retry_backoff_function": "linear"}, "queue": {}, "schedule": [0, 0, 0, 30, 30, 30, 5, 5, 5], "error": null},
  {"sub": {"minimum_delay": 30, "maximum_delay": 5, "retry_backoff_function": "arithmetic"}, "queue": {}, "schedule": [0, 0, 0, 30, 30, 30, 5, 5, 5], "error": null},
  {"sub": {"minimum_delay": 30, "maximum_delay": 5, "retry_backoff_function": "geometric"}, "queue": {}, "schedule": [0, 0, 0, 30, 30, 30, 5, 5, 5], "error": null},
  {"sub": {"minimum_delay": 5, "maximum_delay": -30, "retry_backoff_function": "geometric"}, "queue": {}, "schedule": [0, 0, 0, 5, 5, 5], "error": "ValueError"},
  {"sub": {"minimum_delay": 1, "maximum_delay": 56, "retry_backoff_function": "geometric"}, "queue": {}, "schedule": [0, 0, 0, 1, 1, 1, 1, 1, 2, 3, 5, 7, 11, 16, 25, 37, 56, 56, 56, 56], "error": null},
  {"sub": {"minimum_delay": 1, "maximum_delay": 77, "retry_backoff_function": "exponential"}, "queue": {}, "schedule": [0, 0, 0, 1, 1, 1, 0, 1, 1, 2, 3, 4, 6, 8, 11, 16, 22, 30, 41, 56, 77, 77, 77, 77], "error": null},
  {"sub": {"minimum_delay": 1, "maximum_delay": 92, "retry_backoff_function": "exponential"}, "queue": {}, "schedule": [0, 0, 0, 1, 1, 1, 0, 1, 1, 2, 2, 3, 4, 6, 8, 10, 14, 18, 24, 31, 41, 54, 70, 91, 92, 92, 92], "error": null},
  {"sub": {"minimum_delay": 2, "maximum_delay": 60, "retry_backoff_function": "arithmetic"}, "queue": {}, "schedule": [0, 0, 0, 2, 2, 2, 2, 3, 5, 8, 12, 17, 24, 31, 39, 49, 59, 60, 60, 60], "error": null},
  {"sub": {"minimum_delay": 10, "maximum_delay": 300, "retry_backoff_function": "geometric", "retries_with_no_delay": 0, "minimum_delay_retries": 0}, "queue": {}, "schedule": [10, 10, 11, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 27, 29, 31, 32, 35, 37, 39, 41, 44, 47, 50, 53, 56, 59, 63, 67, 71, 76, 80, 85, 90, 96, 102, 108, 115, 122, 130, 138, 146, 155, 165, 175, 186, 197, 209, 222, 236, 250, 266, 282, 299, 300, 300], "error": "limit"},
  {"sub": {"minimum_delay": 10, "maximum_delay": 300, "retry_backoff_function": "exponential", "retries_with_no_delay": 0, "minimum_delay_retries": 0}, "queue": {}, "schedule": [10, 10, 11, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 27, 29, 31, 32, 35, 37, 39, 41, 44, 47, 50, 53, 56, 59, 63, 67, 71, 76, 80, 85, 90, 96, 102, 108, 115, 122, 130, 138, 146, 155, 165, 175, 186, 197, 209, 222, 236, 250, 266, 282, 299, 300, 300], "error": "limit"},
  {"sub": {"minimum_delay": 60, "maximum_delay": 3600, "retry_backoff_function": "arithmetic", "retries_with_no_delay": 0, "minimum_delay_retries": 0}, "queue": {}, "schedule": [60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 61, 61, 61, 61, 61, 62, 62, 62, 62, 63, 63, 63, 64, 64, 64, 65, 65, 66, 66, 67, 67, 67, 68, 68, 69, 69, 70, 71, 71, 72, 72, 73, 74, 74, 75, 75, 76, 77, 78, 78, 79, 80, 81, 81, 82, 83, 84, 85], "error": "limit"},
  {"sub": {"minimum_delay": 7, "maximum_delay": 29, "retry_backoff_function": "linear"}, "queue": {}, "schedule": [0, 0, 0, 7, 7, 7, 7, 12, 17, 22, 27, 29, 29, 29], "error": null},
  {"sub": {"minimum_delay": 7, "maximum_delay": 29, "retry_backoff_function": "arithmetic"}, "queue": {}, "schedule": [0, 0, 0, 7, 7, 7, 7, 10, 18, 29, 29, 29, 29], "error": null},
  {"sub": {"minimum_delay": 7, "maximum_delay": 29, "retry_backoff_function": "geometric"}, "queue": {}, "schedule": [0, 0, 0, 7, 7, 7, 7, 11, 18, 29, 29, 29, 29], "error": null},
  {"sub": {"minimum_delay": 7, "maximum_delay": 29, "retry_backoff_function": "exponential"}, "queue": {}, "schedule": [0, 0, 0, 7, 7, 7, 7, 11, 18, 29, 29, 29, 29], "error": null},
  {"sub": {"minimum_delay": true, "maximum_delay": 20, "retry_backoff_function": "geometric"}, "queue": {}, "schedule": [0, 0, 0, 1, 1, 1, 1, 4, 20, 20, 20, 20], "error": null},
  {"sub": {"retries_with_no_delay": 100}, "queue": {}, "schedule": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "error": "limit"},
];
