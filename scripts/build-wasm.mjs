/**
 * Builds the WebAssembly form of the Chinchilla Huber kernel (src/core/laws/chinchillaWasm.ts):
 * the text below is compiled with wabt and written, base64, to
 * src/core/laws/chinchillaHuberWasm.generated.ts, which is committed so that the product and its
 * tests need no build step for it. test/unit/laws/chinchillaWasm.test.ts checks the committed
 * bytes against a fresh build.
 *
 *   node scripts/build-wasm.mjs [--check]
 *
 * Why WebAssembly: the kernel is two exponentials, a logarithm and a dozen multiply-adds per
 * point, and the fit spends two thirds of its time in it. SIMD (f64x2) does two points per
 * instruction, which JavaScript cannot. The arithmetic is that of fastExp.ts and fastLog.ts
 * operation for operation, so each point's log L̂ is bit-identical to the JavaScript kernel's;
 * only the sums are taken in two lanes (even and odd points) and so round differently.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const target = join(root, 'src', 'core', 'laws', 'chinchillaHuberWasm.generated.ts');

/** Byte offsets of the tables in linear memory; the JavaScript side fills them (see chinchillaWasm.ts). */
export const layout = { grad: 0, pow2Frac: 64, invC: 64 + 64 * 8, logC: 64 + 64 * 8 + 128 * 8, data: 4096 };

/*
 * Constants are hoisted into locals set once before the loop: V8 builds a v128.const with
 * several instructions at each use (measured: ~10% of the kernel), a local is one load at worst.
 */
const constants = new Map();
const constant = (text) => {
  if (!constants.has(text)) constants.set(text, `$const${constants.size}`);
  return `(local.get ${constants.get(text)})`;
};
const f2 = (v) => constant(`(v128.const f64x2 ${v} ${v})`);
const i2 = (v) => constant(`(v128.const i64x2 ${v} ${v})`);
const ROUND = '6755399441055744'; // 1.5·2^52
const ROUND_BITS = '0x4338000000000000';

/** e^t for the two lanes of local $t (every lane in (−700, 700)), into local $out: fastExp.ts's expInRange. */
function exp(t, out) {
  return `
    (local.set $x (f64x2.add (f64x2.mul (local.get ${t}) ${f2('92.33248261689366')}) ${f2(ROUND)}))
    (local.set $kb (i64x2.sub (local.get $x) ${i2(ROUND_BITS)}))
    (local.set $kf (f64x2.sub (local.get $x) ${f2(ROUND)}))
    (local.set $r (f64x2.sub (f64x2.sub (local.get ${t}) (f64x2.mul (local.get $kf) ${f2('0.010830417275428772')})) (f64x2.mul (local.get $kf) ${f2('7.420820373486988e-9')})))
    (local.set $p
      (f64x2.add ${f2('1')} (f64x2.mul (local.get $r)
      (f64x2.add ${f2('1')} (f64x2.mul (local.get $r)
      (f64x2.add ${f2('0.5')} (f64x2.mul (local.get $r)
      (f64x2.add ${f2('0.16666666666666666')} (f64x2.mul (local.get $r)
      (f64x2.add ${f2('0.041666666666666664')} (f64x2.mul (local.get $r)
      (f64x2.add ${f2('0.008333333333333333')} (f64x2.mul (local.get $r) ${f2('0.001388888888888889')})))))))))))))
    (local.set $j (v128.and (local.get $kb) ${i2('63')}))
    (local.set $frac
      (v128.load64_lane 1
        (i32.add (i32.const ${layout.pow2Frac}) (i32.shl (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $j))) (i32.const 3)))
        (v128.load64_zero (i32.add (i32.const ${layout.pow2Frac}) (i32.shl (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $j))) (i32.const 3))))))
    (local.set ${out}
      (f64x2.mul
        (i64x2.shl (v128.and (i64x2.add (local.get $kb) ${i2('65472')}) ${i2('-64')}) (i32.const 46))
        (f64x2.mul (local.get $frac) (local.get $p))))`;
}

/** log of the two lanes of local $s (positive, normal, finite), into local $out: fastLog.ts's logInto. */
function log(s, out) {
  return `
    (local.set $kb (i64x2.sub (i64x2.shr_u (local.get ${s}) (i32.const 52)) ${i2('1023')}))
    (local.set $j (v128.and (i64x2.shr_u (local.get ${s}) (i32.const 45)) ${i2('127')}))
    (local.set $j0 (i32.shl (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $j))) (i32.const 3)))
    (local.set $j1 (i32.shl (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $j))) (i32.const 3)))
    (local.set $r
      (f64x2.sub
        (f64x2.mul
          (v128.or (v128.and (local.get ${s}) ${i2('0x000FFFFFFFFFFFFF')}) ${i2('0x3FF0000000000000')})
          (v128.load64_lane 1 (i32.add (i32.const ${layout.invC}) (local.get $j1)) (v128.load64_zero (i32.add (i32.const ${layout.invC}) (local.get $j0)))))
        ${f2('1')}))
    (local.set $p
      (f64x2.sub (local.get $r) (f64x2.mul (f64x2.mul (local.get $r) (local.get $r))
        (f64x2.sub ${f2('0.5')} (f64x2.mul (local.get $r)
        (f64x2.sub ${f2('0.3333333333333333')} (f64x2.mul (local.get $r)
        (f64x2.sub ${f2('0.25')} (f64x2.mul (local.get $r)
        (f64x2.sub ${f2('0.2')} (f64x2.mul (local.get $r) ${f2('0.16666666666666666')})))))))))))
    (local.set $kf (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $kb) (local.get $kb))))
    (local.set ${out}
      (f64x2.add
        (f64x2.add (f64x2.mul (local.get $kf) ${f2('0.6931471803691238')})
          (v128.load64_lane 1 (i32.add (i32.const ${layout.logC}) (local.get $j1)) (v128.load64_zero (i32.add (i32.const ${layout.logC}) (local.get $j0)))))
        (f64x2.add (local.get $p) (f64x2.mul (local.get $kf) ${f2('1.9082149292705877e-10')}))))`;
}

/**
 * huber(n, ln, ld, y, w, a, b, α, β, e^e, δ) → Σ w_i·Huber_δ(LSE_i − y_i), with the gradient in
 * (e, a, b, α, β) written as five f64 at byte 0. n is even (the caller pads with w = 0 points);
 * ln, ld, y, w are byte offsets of f64 arrays.
 */
export function wat() {
  constants.clear();
  const body = loopBody();
  const declared = [...constants.values()].map((name) => `(local ${name} v128)`).join(' ');
  const init = [...constants.entries()].map(([text, name]) => `(local.set ${name} ${text})`).join('\n    ');
  return `(module
  (memory (export "memory") 1)
  (func (export "huber")
    (param $n i32) (param $ln i32) (param $ld i32) (param $y i32) (param $w i32)
    (param $a f64) (param $b f64) (param $alpha f64) (param $beta f64) (param $ee f64) (param $delta f64)
    (result f64)
    (local $i i32) (local $end i32) (local $j0 i32) (local $j1 i32)
    (local $x v128) (local $kb v128) (local $kf v128) (local $r v128) (local $p v128) (local $j v128) (local $frac v128)
    (local $lnv v128) (local $ldv v128) (local $t v128) (local $u1 v128) (local $u2 v128) (local $s v128) (local $lse v128)
    (local $res v128) (local $c v128) (local $wc v128) (local $k v128) (local $k1 v128) (local $k2 v128)
    (local $va v128) (local $vb v128) (local $valpha v128) (local $vbeta v128) (local $vee v128) (local $vdelta v128) (local $vndelta v128)
    (local $f v128) (local $ge v128) (local $ga v128) (local $gb v128) (local $galpha v128) (local $gbeta v128)
    ${declared}
    ${init}
    (local.set $va (f64x2.splat (local.get $a)))
    (local.set $vb (f64x2.splat (local.get $b)))
    (local.set $valpha (f64x2.splat (local.get $alpha)))
    (local.set $vbeta (f64x2.splat (local.get $beta)))
    (local.set $vee (f64x2.splat (local.get $ee)))
    (local.set $vdelta (f64x2.splat (local.get $delta)))
    (local.set $vndelta (f64x2.neg (local.get $vdelta)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $points
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
${body}
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $points)))
    (f64.store offset=0 (i32.const ${layout.grad})
      (f64.mul (f64.add (f64x2.extract_lane 0 (local.get $ge)) (f64x2.extract_lane 1 (local.get $ge))) (local.get $ee)))
    (f64.store offset=8 (i32.const ${layout.grad}) (f64.add (f64x2.extract_lane 0 (local.get $ga)) (f64x2.extract_lane 1 (local.get $ga))))
    (f64.store offset=16 (i32.const ${layout.grad}) (f64.add (f64x2.extract_lane 0 (local.get $gb)) (f64x2.extract_lane 1 (local.get $gb))))
    (f64.store offset=24 (i32.const ${layout.grad}) (f64.add (f64x2.extract_lane 0 (local.get $galpha)) (f64x2.extract_lane 1 (local.get $galpha))))
    (f64.store offset=32 (i32.const ${layout.grad}) (f64.add (f64x2.extract_lane 0 (local.get $gbeta)) (f64x2.extract_lane 1 (local.get $gbeta))))
    (f64.add (f64x2.extract_lane 0 (local.get $f)) (f64x2.extract_lane 1 (local.get $f)))))
`;
}

function loopBody() {
  return `
        (local.set $lnv (v128.load (i32.add (local.get $ln) (local.get $i))))
        (local.set $ldv (v128.load (i32.add (local.get $ld) (local.get $i))))
        (local.set $t (f64x2.sub (local.get $va) (f64x2.mul (local.get $valpha) (local.get $lnv))))
        ${exp('$t', '$u1')}
        (local.set $t (f64x2.sub (local.get $vb) (f64x2.mul (local.get $vbeta) (local.get $ldv))))
        ${exp('$t', '$u2')}
        (local.set $s (f64x2.add (f64x2.add (local.get $u1) (local.get $u2)) (local.get $vee)))
        ${log('$s', '$lse')}
        (local.set $res (f64x2.sub (local.get $lse) (v128.load (i32.add (local.get $y) (local.get $i)))))
        (local.set $c (f64x2.pmax (local.get $vndelta) (f64x2.pmin (local.get $vdelta) (local.get $res))))
        (local.set $wc (f64x2.mul (v128.load (i32.add (local.get $w) (local.get $i))) (local.get $c)))
        (local.set $f (f64x2.add (local.get $f)
          (f64x2.mul (local.get $wc) (f64x2.sub (local.get $res) (f64x2.mul ${f2('0.5')} (local.get $c))))))
        (local.set $k (f64x2.div (local.get $wc) (local.get $s)))
        (local.set $k1 (f64x2.mul (local.get $k) (local.get $u1)))
        (local.set $k2 (f64x2.mul (local.get $k) (local.get $u2)))
        (local.set $ge (f64x2.add (local.get $ge) (local.get $k)))
        (local.set $ga (f64x2.add (local.get $ga) (local.get $k1)))
        (local.set $gb (f64x2.add (local.get $gb) (local.get $k2)))
        (local.set $galpha (f64x2.sub (local.get $galpha) (f64x2.mul (local.get $k1) (local.get $lnv))))
        (local.set $gbeta (f64x2.sub (local.get $gbeta) (f64x2.mul (local.get $k2) (local.get $ldv))))
`;
}

export async function build() {
  const wabt = await wabtInit();
  const module = wabt.parseWat('chinchillaHuber.wat', wat(), { simd: true });
  module.validate();
  const { buffer } = module.toBinary({});
  module.destroy();
  return Buffer.from(buffer);
}

export function generated(bytes) {
  const layoutLine = `export const layout = ${JSON.stringify(layout).replace(/"/g, '')};`;
  return `// Generated by scripts/build-wasm.mjs from the text in that script; do not edit.
${layoutLine}
export const chinchillaHuberWasm = '${bytes.toString('base64')}';
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = generated(await build());
  if (process.argv.includes('--check')) {
    const same = readFileSync(target, 'utf8') === text;
    console.log(same ? 'chinchillaHuberWasm.generated.ts is up to date' : 'chinchillaHuberWasm.generated.ts is stale: run node scripts/build-wasm.mjs');
    process.exit(same ? 0 : 1);
  }
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
