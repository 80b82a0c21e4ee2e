// node-wasi.mjs: runs a wasm32-wasi command module under node's own WASI
// (preview 1), the baseline engine for Nebulet's benchmarks.
//   node --no-warnings bench/node-wasi.mjs prog.wasm [args...]
// Exits with the program's exit code.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { argv, env, exit } from 'node:process';

if (argv.length < 3) {
	console.error('usage: node-wasi.mjs prog.wasm [args...]');
	exit(2);
}
const path = argv[2];
const wasi = new WASI({
	version: 'preview1',
	args: [path, ...argv.slice(3)],
	env: {},
	returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(path));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
exit(wasi.start(instance) ?? 0);
