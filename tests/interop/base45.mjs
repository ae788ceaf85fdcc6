// base45.mjs: RFC 9285 Base45, for the "IDW1:" text form of presentations.
//
// SPDX-License-Identifier: GPL-3.0-or-later

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

export function base45Encode(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 < bytes.length) {
      let n = bytes[i] * 256 + bytes[i + 1];
      s += B45[n % 45];
      n = Math.floor(n / 45);
      s += B45[n % 45] + B45[Math.floor(n / 45)];
    } else {
      const n = bytes[i];
      s += B45[n % 45] + B45[Math.floor(n / 45)];
    }
  }
  return s;
}

export function base45Decode(s) {
  const out = [];
  for (let i = 0; i < s.length; i += 3) {
    const v = [...s.slice(i, i + 3)].map((c) => {
      const k = B45.indexOf(c);
      if (k < 0) throw new Error(`invalid Base45 character ${JSON.stringify(c)}`);
      return k;
    });
    if (v.length === 3) {
      const n = v[0] + v[1] * 45 + v[2] * 2025;
      if (n > 0xffff) throw new Error('invalid Base45 triple');
      out.push(n >> 8, n & 0xff);
    } else if (v.length === 2) {
      const n = v[0] + v[1] * 45;
      if (n > 0xff) throw new Error('invalid Base45 pair');
      out.push(n);
    } else {
      throw new Error('invalid Base45 length');
    }
  }
  return Uint8Array.from(out);
}
