// node-run.mjs: runs a wasm32-wasi program under Node's own WASI, as a
// reference for `nebulet run`: same command line, same exit status.
//   node --no-warnings tests/wasi/node-run.mjs [--env=NAME=VALUE]...
//        [--dir=HOST::GUEST]... prog.wasm [args...]
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const argv = process.argv.slice(2);
const env = {};
const preopens = {};
while (argv.length && /^--(env|dir)=/.test(argv[0])) {
	const opt = argv.shift();
	const kv = opt.slice(6);
	if (opt.startsWith('--dir=')) {
		const sep = kv.indexOf('::');
		preopens[sep < 0 ? kv : kv.slice(sep + 2)] = sep < 0 ? kv : kv.slice(0, sep);
		continue;
	}
	const eq = kv.indexOf('=');
	env[kv.slice(0, eq)] = kv.slice(eq + 1);
}
if (!argv.length) {
	console.error('usage: node-run.mjs [--env=NAME=VALUE]... prog.wasm [args...]');
	process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: argv, env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(argv[0]));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exit(wasi.start(instance));
