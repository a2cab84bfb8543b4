/**
 * CRC-32 (IEEE 802.3, polynomial 0xEDB88320, as in zlib and PNG), slicing-by-4 for speed.
 *
 * @module
 */

const TABLES: Uint32Array = (() => {
  const t = new Uint32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let s = 1; s < 4; s++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[s * 256 + n] = c >>> 0;
    }
  }
  return t;
})();

/** Reference CRC-32, one byte at a time: the readable definition. */
export function crc32Ref(bytes: Uint8Array, start: number = 0, end: number = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLES[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 of `bytes[start, end)`, four bytes per step (slicing-by-4). */
export function crc32(bytes: Uint8Array, start: number = 0, end: number = bytes.length): number {
  const t = TABLES;
  let c = 0xffffffff;
  let i = start;
  const end4 = start + ((end - start) & ~3);
  for (; i < end4; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^ t[c >>> 24];
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
