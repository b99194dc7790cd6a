#!/usr/bin/env node
// The `kindling` command: the compiled CLI (built by `npm install` / `npm run build`).
import '../dist/cli/main.js';
