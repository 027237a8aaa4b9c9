#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled command lives in dist/ (`npm run build`).
require('../dist/zaqar/cmd/manage').run();
