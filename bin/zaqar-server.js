#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled server lives in dist/ (`npm run build`).
require('../dist/zaqar/cmd/server').run();
