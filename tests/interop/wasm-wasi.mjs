// Oracle for Cairn's WASI: runs a wasm32-wasi command under Node's WASI (preview1).
// usage: node --no-turbo-fast-api-calls wasm-wasi.mjs [--dir HOST:GUEST]... [--env K=V]... MODULE.wasm [ARGS...]
// stdio passes through; the process exits with the module's exit code.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { basename } from 'node:path';

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
while (argv.length && argv[0].startsWith('--')) {
  const flag = argv.shift();
  const value = argv.shift();
  if (flag === '--dir') {
    const i = value.indexOf(':');
    preopens[value.slice(i + 1)] = value.slice(0, i);
  } else if (flag === '--env') {
    const i = value.indexOf('=');
    env[value.slice(0, i)] = value.slice(i + 1);
  }
}
const path = argv.shift();
const wasi = new WASI({ version: 'preview1', args: [basename(path), ...argv], env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(path));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
