/* What every browser test starts with: puppeteer-core (or SKIP), the arguments
   NETSIM TOPOLOGIES_DIR ARTIFACTS_DIR (or usage), Chromium (or SKIP).
   Exit 77 is ctest's SKIP_RETURN_CODE for these tests. */
'use strict';
const fs = require('fs');
const path = require('path');

module.exports = function setup(script) {
  let puppeteer;
  try {
    puppeteer = require('puppeteer-core');
  } catch (err) {
    console.log('SKIP: puppeteer-core is not installed; run: npm ci --prefix tests/browser');
    process.exit(77);
  }
  const [netsim, topoDir, artDir] = process.argv.slice(2).map((p) => p && path.resolve(p));
  if (!netsim || !topoDir || !artDir) {
    console.error('usage: node ' + script + ' NETSIM TOPOLOGIES_DIR ARTIFACTS_DIR');
    process.exit(2);
  }
  const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(CHROMIUM)) {
    console.log('SKIP: no Chromium at ' + CHROMIUM + ' (apt-get install chromium, or set CHROMIUM)');
    process.exit(77);
  }
  return { puppeteer, netsim, topoDir, artDir, CHROMIUM };
};
