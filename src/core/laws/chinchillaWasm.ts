import { chinchillaHuberWasm, layout } from './chinchillaHuberWasm.generated';
import { POW2_FRAC } from './fastExp';
import { INV_C, LOG_C } from './fastLog';

/**
 * The Chinchilla Huber objective in WebAssembly with SIMD (built by scripts/build-wasm.mjs):
 * two points per instruction, each point's log L̂ bit-identical to the JavaScript kernel's.
 * One instance per thread; its memory holds the data of one objective at a time, and an
 * objective copies its data in when it finds another's there (a bootstrap switches once per
 * resample, a few microseconds against the fit's milliseconds).
 */

type HuberExport = (
  n: number, ln: number, ld: number, y: number, w: number,
  a: number, b: number, alpha: number, beta: number, ee: number, delta: number,
) => number;

interface Instance {
  huber: HuberExport;
  memory: WebAssembly.Memory;
  owner: WasmChinchillaHuber | null;
  /** Over the memory's buffer; rebuilt when the memory grows. */
  f64: Float64Array;
}

let enabled = true;
let instance: Instance | null | undefined;

/** Turns the WebAssembly kernel on or off for objectives made from now on: for tests that compare it with the JavaScript one. */
export function setWasmKernels(on: boolean): void {
  enabled = on;
}

function load(): Instance | null {
  if (instance !== undefined) return instance;
  try {
    const bytes = Uint8Array.from(atob(chinchillaHuberWasm), (c) => c.charCodeAt(0));
    const mod = new WebAssembly.Module(bytes);
    const inst = new WebAssembly.Instance(mod, {});
    const memory = inst.exports.memory as WebAssembly.Memory;
    const f64 = new Float64Array(memory.buffer);
    f64.set(POW2_FRAC, layout.pow2Frac / 8);
    f64.set(INV_C, layout.invC / 8);
    f64.set(LOG_C, layout.logC / 8);
    instance = { huber: inst.exports.huber as HuberExport, memory, owner: null, f64 };
  } catch {
    // A runtime without WebAssembly SIMD: the JavaScript kernel serves.
    instance = null;
  }
  return instance;
}

export class WasmChinchillaHuber {
  private readonly padded: number;
  private readonly data: Float64Array;

  private constructor(
    private readonly inst: Instance,
    ln: Float64Array,
    ld: Float64Array,
    y: Float64Array,
    weights: Float64Array | null,
    private readonly delta: number,
  ) {
    // Even length: the kernel takes points two at a time. A padding point repeats the last
    // point with no weight, so it lies where unshifted() checked θ and adds exactly zero.
    const n = ln.length;
    this.padded = n + (n & 1);
    const m = this.padded;
    this.data = new Float64Array(4 * m);
    this.data.set(ln.subarray(0, n), 0);
    this.data.set(ld.subarray(0, n), m);
    this.data.set(y.subarray(0, n), 2 * m);
    if (weights) this.data.set(weights.subarray(0, n), 3 * m);
    else this.data.fill(1, 3 * m, 3 * m + n);
    if (m > n && n > 0) {
      this.data[n] = ln[n - 1];
      this.data[m + n] = ld[n - 1];
      this.data[2 * m + n] = y[n - 1];
    }
  }

  /** The kernel for these data, or null where WebAssembly SIMD is unavailable or turned off. */
  static create(ln: Float64Array, ld: Float64Array, y: Float64Array, weights: Float64Array | null, delta: number): WasmChinchillaHuber | null {
    if (!enabled) return null;
    const inst = load();
    return inst ? new WasmChinchillaHuber(inst, ln, ld, y, weights, delta) : null;
  }

  /** The objective at (e, a, b, α, β) with its gradient into grad; θ must pass ChinchillaKernel.unshifted. */
  evaluate(theta: Float64Array, grad: Float64Array): number {
    const inst = this.inst;
    if (inst.owner !== this) this.moveIn();
    const m = this.padded;
    const base = layout.data;
    const f = inst.huber(m, base, base + 8 * m, base + 16 * m, base + 24 * m, theta[1], theta[2], theta[3], theta[4], Math.exp(theta[0]), this.delta);
    const g = inst.f64;
    grad[0] = g[0];
    grad[1] = g[1];
    grad[2] = g[2];
    grad[3] = g[3];
    grad[4] = g[4];
    return f;
  }

  private moveIn(): void {
    const inst = this.inst;
    const bytes = layout.data + this.data.byteLength;
    if (bytes > inst.memory.buffer.byteLength) {
      inst.memory.grow(Math.ceil((bytes - inst.memory.buffer.byteLength) / 65536));
      inst.f64 = new Float64Array(inst.memory.buffer);
    }
    inst.f64.set(this.data, layout.data / 8);
    inst.owner = this;
  }
}
