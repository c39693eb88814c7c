/**
 * Draws the extension's icons (a white medical cross on a rounded blue square) into
 * extension/icons/icon-<size>.png with a tiny PNG encoder, so the icons are reproducible from
 * code. Run once after changing the design: `node tools/make-icons.mjs`.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

/** @param {Buffer} buf */
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** @param {string} type @param {Buffer} data */
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** @param {number} size */
function draw(size) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const r = size * 0.2;
  const arm = size * 0.14;
  const reach = size * 0.32;
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      // Coverage by 4x4 supersampling for smooth edges.
      let inBox = 0;
      let inCross = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const px = x + (sx + 0.5) / 4;
          const py = y + (sy + 0.5) / 4;
          const dx = Math.max(r - px, 0, px - (size - r));
          const dy = Math.max(r - py, 0, py - (size - r));
          if (dx * dx + dy * dy <= r * r) inBox++;
          const ax = Math.abs(px - 0.5 - c);
          const ay = Math.abs(py - 0.5 - c);
          if ((ax <= arm && ay <= reach) || (ay <= arm && ax <= reach)) inCross++;
        }
      }
      const a = inBox / 16;
      const w = inCross / 16;
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = Math.round(0x1a + (255 - 0x1a) * w);
      raw[o + 1] = Math.round(0x56 + (255 - 0x56) * w);
      raw[o + 2] = Math.round(0xb8 + (255 - 0xb8) * w);
      raw[o + 3] = Math.round(255 * a);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const dir = new URL('../extension/icons/', import.meta.url).pathname;
for (const size of [16, 32, 48, 128]) writeFileSync(`${dir}icon-${size}.png`, draw(size));
console.log('icons written');
