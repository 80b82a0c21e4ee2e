// tests/fuzz/diff_node.mjs DIR REFDIR: node's V8 as an independent
// reference for fuzz_diff.c (needs --experimental-wasm-type-reflection).
// Runs every DIR/*.wasm the way fuzz_diff.c does (imports: functions
// that log their arguments and return zeros, fresh tables, memories and
// zeroed globals; every exported function called with zero arguments
// after "hangLimitInitializer"; then the exported memory's FNV-1a 64)
// and compares the transcript with REFDIR/HASH.ref, the interpreter's,
// which fuzz_diff wrote (HASH: the module's FNV-1a 64). Prints
// "NODE path" for each module compared, "FAIL path (node differs)" with
// both transcripts on stderr for a mismatch; a module without a .ref
// (its run timed out) is skipped.
import fs from 'fs';
import path from 'path';

// FNV-1a 64 of bytes, as 16 hex digits (two 32-bit halves).
function fnv(bytes) {
	let lo = 0x84222325, hi = 0xcbf29ce4;
	for (let i = 0; i < bytes.length; i++) {
		lo = (lo ^ bytes[i]) >>> 0;
		const l = lo * 0x1b3;
		hi = (Math.imul(hi, 0x1b3) + (lo << 8) + Math.floor(l / 4294967296)) >>> 0;
		lo = l >>> 0;
	}
	return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);

// One value as fuzz_diff's say_val writes it in the reference form.
function val(type, v) {
	switch (type) {
	case 'i32':
		return ' ' + (v >>> 0).toString(16).padStart(8, '0');
	case 'i64':
		return ' ' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');
	case 'f32':
		if (Number.isNaN(v)) return ' nan';
		f32[0] = v;
		return ' ' + u32[0].toString(16).padStart(8, '0');
	case 'f64':
		if (Number.isNaN(v)) return ' nan';
		f64[0] = v;
		return ' ' + u64[0].toString(16).padStart(16, '0');
	default:
		return v === null ? ' null' : ' ref';
	}
}

function zero(type) {
	if (type === 'i64') return 0n;
	return type === 'i32' || type === 'f32' || type === 'f64' ? 0 : null;
}

// The transcript of one module.
function transcript(bytes) {
	let out = '';
	const mod = new WebAssembly.Module(bytes);
	const imports = {};
	for (const im of WebAssembly.Module.imports(mod)) {
		const t = im.type;
		let obj;
		if (im.kind === 'function') {
			obj = (...args) => {
				out += 'host:' + t.parameters.map((p, i) => val(p, args[i])).join('') + '\n';
				const r = t.results.map(zero);
				return r.length === 1 ? r[0] : r.length ? r : undefined;
			};
		} else if (im.kind === 'memory') {
			obj = new WebAssembly.Memory({ initial: t.minimum, maximum: t.maximum, shared: t.shared });
		} else if (im.kind === 'table') {
			obj = new WebAssembly.Table({ element: t.element, initial: t.minimum, maximum: t.maximum });
		} else {
			obj = new WebAssembly.Global({ value: t.value, mutable: t.mutable }, zero(t.value));
		}
		(imports[im.module] ??= {})[im.name] = obj;
	}
	let inst;
	try {
		inst = new WebAssembly.Instance(mod, imports);
		out += 'instantiate: ok\n';
	} catch (e) {
		return out + 'instantiate: fail\n';
	}
	const ex = inst.exports;
	const call = (name, t) => {
		if (typeof ex[name] !== 'function') return;
		let line = name + ':'; // after the call's import lines, as in C
		try {
			let r = ex[name](...t.parameters.map(zero));
			if (t.results.length === 1) r = [r];
			t.results.forEach((ty, i) => { line += val(ty, r[i]); });
		} catch (e) {
			line += ' trap';
		}
		out += line + '\n';
	};
	const hang = { parameters: [], results: [] };
	for (const e of WebAssembly.Module.exports(mod)) {
		if (e.kind !== 'function' || e.name === 'hangLimitInitializer') continue;
		call('hangLimitInitializer', hang);
		call(e.name, e.type);
	}
	if (ex.memory instanceof WebAssembly.Memory)
		out += 'memory: ' + fnv(new Uint8Array(ex.memory.buffer)) + '\n';
	return out;
}

const [dir, refdir] = process.argv.slice(2);
for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.wasm')).sort()) {
	const file = path.join(dir, name);
	const bytes = fs.readFileSync(file);
	const ref = path.join(refdir, fnv(bytes) + '.ref');
	if (!fs.existsSync(ref)) continue;
	const want = fs.readFileSync(ref, 'utf8');
	let got;
	try {
		got = transcript(bytes);
	} catch (e) {
		got = 'node failed: ' + e + '\n';
	}
	if (got === want) {
		console.log('NODE ' + file);
	} else {
		console.log('FAIL ' + file + ' (node differs)');
		console.error(`--- nebulet interp (${file})\n${want}--- node\n${got}`);
	}
}
