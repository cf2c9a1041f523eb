/**
 * CRC-32 in the two variants run logs use, computed slice-by-8 (eight table lookups per eight
 * bytes), which keeps checksum verification of a 1 GB event file to a second or two.
 *
 * - `crc32`: the IEEE / zlib polynomial (0xEDB88320 reflected). W&B's `.wandb` log uses it,
 *   unmasked, over the chunk type byte followed by the payload: Python's datastore.py seeds
 *   `zlib.crc32(data, crc32(type))` and wandb-core's Go writer uses `CRCAlgoIEEE`
 *   (`crc32.Checksum(buf[type:end], IEEE)`). The LevelDB doc comment they copied says crc32c;
 *   the code does not.
 * - `crc32c`: Castagnoli (0x82F63B78 reflected). TFRecord framing stores it masked
 *   (`maskCrc32c`), as TensorFlow's `crc32c::Mask` does.
 */
function makeTables(poly: number): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    tables[0][i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    let c = tables[0][i];
    for (let t = 1; t < 8; t++) {
      c = tables[0][c & 0xff] ^ (c >>> 8);
      tables[t][i] = c >>> 0;
    }
  }
  return tables;
}

const IEEE = makeTables(0xedb88320);
const CASTAGNOLI = makeTables(0x82f63b78);

function update(tables: Uint32Array[], initial: number, data: Uint8Array, start: number, end: number): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = tables;
  let crc = ~initial >>> 0;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = (crc ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0;
    crc =
      t7[a & 0xff] ^
      t6[(a >>> 8) & 0xff] ^
      t5[(a >>> 16) & 0xff] ^
      t4[a >>> 24] ^
      t3[data[i + 4]] ^
      t2[data[i + 5]] ^
      t1[data[i + 6]] ^
      t0[data[i + 7]];
  }
  for (; i < end; i++) crc = t0[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** zlib-compatible: `crc32(b, crc32(a))` equals `crc32(a ++ b)`. */
export function crc32(data: Uint8Array, initial = 0, start = 0, end = data.length): number {
  return update(IEEE, initial, data, start, end);
}

export function crc32c(data: Uint8Array, initial = 0, start = 0, end = data.length): number {
  return update(CASTAGNOLI, initial, data, start, end);
}

/** TensorFlow masks stored CRCs so a CRC of data that itself holds CRCs stays well spread. */
export function maskCrc32c(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
