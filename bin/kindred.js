#!/usr/bin/env node
// The `kindred` command. The CLI is compiled by `npm run build` (electron-vite) into out/main/cli.js.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'out', 'main', 'cli.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(
    `kindred: ${entry} is missing. Run \`npm install\` (or \`npm run build\`) in ${path.dirname(__dirname)} first.\n`,
  );
  process.exit(2);
}
require(entry);
