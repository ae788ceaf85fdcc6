// mini-cbor.mjs: a deliberately small CBOR encoder and span parser, written
// here and independent of the mdoc library, used to build the transcripts we
// define (the QR handover) and to cross-check what the library signed.
//
// SPDX-License-Identifier: GPL-3.0-or-later

export class Tag {
  constructor(tag, value) {
    this.tag = tag;
    this.value = value;
  }
}

// Bytes that are already one encoded CBOR item, copied as they are.
export class Raw {
  constructor(bytes) {
    this.bytes = bytes;
  }
}

function head(major, n) {
  const m = major << 5;
  if (typeof n === 'bigint') {
    if (n < 2n ** 64n) {
      const b = new Uint8Array(9);
      b[0] = m | 27;
      new DataView(b.buffer).setBigUint64(1, n);
      return b;
    }
    throw new Error('integer too large');
  }
  if (n < 24) return Uint8Array.of(m | n);
  if (n < 0x100) return Uint8Array.of(m | 24, n);
  if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff);
  if (n < 0x100000000) {
    const b = new Uint8Array(5);
    b[0] = m | 26;
    new DataView(b.buffer).setUint32(1, n);
    return b;
  }
  return head(major, BigInt(n));
}

export function concat(parts) {
  const len = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// Deterministic encoding with the shortest heads; Map keys keep their order.
export function encode(v) {
  if (v === null) return Uint8Array.of(0xf6);
  if (v === undefined) return Uint8Array.of(0xf7);
  if (v === true) return Uint8Array.of(0xf5);
  if (v === false) return Uint8Array.of(0xf4);
  if (v instanceof Raw) return v.bytes;
  if (typeof v === 'number' || typeof v === 'bigint') {
    if (typeof v === 'number' && !Number.isInteger(v)) throw new Error('floats not supported');
    return v >= 0 ? head(0, v) : head(1, typeof v === 'bigint' ? -1n - v : -1 - v);
  }
  if (typeof v === 'string') {
    const b = new TextEncoder().encode(v);
    return concat([head(3, b.length), b]);
  }
  if (v instanceof Uint8Array) return concat([head(2, v.length), v]);
  if (Array.isArray(v)) return concat([head(4, v.length), ...v.map(encode)]);
  if (v instanceof Map) {
    const parts = [head(5, v.size)];
    for (const [k, x] of v) parts.push(encode(k), encode(x));
    return concat(parts);
  }
  if (v instanceof Tag) return concat([head(6, v.tag), encode(v.value)]);
  throw new Error(`cannot encode ${typeof v}`);
}

// #6.24(bstr .cbor item)
export function wrap24(itemBytes) {
  return concat([Uint8Array.of(0xd8, 0x18), head(2, itemBytes.length), itemBytes]);
}

// Parses one item at @off. Returns a node with its byte span; containers
// list their children. Definite lengths only (what mdoc uses).
export function parseItem(buf, off = 0) {
  if (off >= buf.length) throw new Error('truncated CBOR');
  const start = off;
  const ib = buf[off++];
  const major = ib >> 5;
  const info = ib & 0x1f;
  let arg;
  if (info < 24) arg = info;
  else if (info === 24) arg = buf[off++];
  else if (info === 25) { arg = (buf[off] << 8) | buf[off + 1]; off += 2; }
  else if (info === 26) { arg = new DataView(buf.buffer, buf.byteOffset + off, 4).getUint32(0); off += 4; }
  else if (info === 27) { arg = Number(new DataView(buf.buffer, buf.byteOffset + off, 8).getBigUint64(0)); off += 8; }
  else throw new Error(`unsupported additional info ${info} at ${start}`);
  if (off > buf.length) throw new Error('truncated CBOR');
  const node = { major, info, arg, start, headerEnd: off };
  switch (major) {
    case 0: case 1: case 7:
      node.end = off;
      break;
    case 2: case 3:
      node.end = off + arg;
      if (node.end > buf.length) throw new Error('truncated CBOR');
      node.content = buf.subarray(off, node.end);
      break;
    case 4: case 5: {
      const n = major === 4 ? arg : arg * 2;
      node.children = [];
      for (let i = 0; i < n; i++) {
        const c = parseItem(buf, off);
        node.children.push(c);
        off = c.end;
      }
      node.end = off;
      break;
    }
    case 6: {
      const c = parseItem(buf, off);
      node.children = [c];
      node.end = c.end;
      break;
    }
    default:
      throw new Error('bad major type');
  }
  node.bytes = buf.subarray(start, node.end);
  return node;
}

// Parses a whole buffer that must hold exactly one item.
export function parseOne(buf) {
  const n = parseItem(buf, 0);
  if (n.end !== buf.length) throw new Error(`trailing bytes after CBOR item (${buf.length - n.end})`);
  return n;
}

// If @buf is #6.24(bstr), returns the embedded bytes, else null.
export function unwrap24(buf) {
  const n = parseOne(buf);
  if (n.major === 6 && n.arg === 24 && n.children[0].major === 2) return n.children[0].content;
  return null;
}

// CBOR diagnostic notation, for notes and debugging.
export function diag(buf, node = parseOne(buf)) {
  const str = (n) => new TextDecoder().decode(n.content);
  switch (node.major) {
    case 0: return String(node.arg);
    case 1: return String(-1 - node.arg);
    case 2: return `h'${Buffer.from(node.content).toString('hex')}'`;
    case 3: return JSON.stringify(str(node));
    case 4: return `[${node.children.map((c) => diag(buf, c)).join(', ')}]`;
    case 5: {
      const parts = [];
      for (let i = 0; i < node.children.length; i += 2) {
        parts.push(`${diag(buf, node.children[i])}: ${diag(buf, node.children[i + 1])}`);
      }
      return `{${parts.join(', ')}}`;
    }
    case 6: return `${node.arg}(${diag(buf, node.children[0])})`;
    case 7: return { 20: 'false', 21: 'true', 22: 'null', 23: 'undefined' }[node.info] ?? `simple(${node.arg})`;
  }
  return '?';
}

export const hex = (b) => Buffer.from(b).toString('hex');
export const equalBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
