// Module hooks (node:module register) that append the URL of every module loaded to the file
// named by TEXTVAULT_MODULE_LOG: which libraries a command line loads, checked by test/cli/startup.test.ts.
import fs from 'node:fs';

const log = process.env.TEXTVAULT_MODULE_LOG;

export async function load(url, context, nextLoad) {
  if (log !== undefined) fs.appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
