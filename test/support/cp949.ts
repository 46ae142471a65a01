/**
 * Text as CP949 bytes, the way Korean offices save CSV: the table is built by decoding every
 * two-byte code with the platform's own CP949 (euc-kr) decoder, so the bytes are what it reads back.
 */
let table: Map<string, number[]> | undefined;

function codeTable(): Map<string, number[]> {
  if (table) return table;
  table = new Map();
  const decoder = new TextDecoder('euc-kr');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x41; trail <= 0xfe; trail++) {
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  return table;
}

export function encodeCp949(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = codeTable().get(ch);
      if (!bytes) throw new Error(`not in CP949: ${ch}`);
      out.push(...bytes);
    }
  }
  return new Uint8Array(out);
}
