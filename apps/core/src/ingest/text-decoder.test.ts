import { createChunkDecoder, firstInvalidUtf8 } from '@windmill/core/ingest/text-decoder';

describe('createChunkDecoder', () => {
  const header = Buffer.from(
    'Date/Time,LV ActivePower (kW),Wind Speed (m/s),Theoretical_Power_Curve (KWh),Wind Direction (\xb0)\r\n',
    'latin1',
  );

  it('names the offset of the first byte that is not UTF-8, with the hint to set the encoding', () => {
    expect(header.indexOf(0xb0)).toBe(93);
    expect(() => createChunkDecoder('utf-8').decode(header)).toThrow(
      /byte 0xB0 at offset 93 does not begin or continue a UTF-8 character; .*field `encoding`: windows-1252/,
    );
    // An appended part starts mid-file: offsets stay the file's.
    expect(() => createChunkDecoder('utf-8', 1000).decode(header)).toThrow(/at offset 1093/);
  });

  it('decodes windows-1252, iso-8859-1 and utf-16le', () => {
    expect(createChunkDecoder('windows-1252').decode(header)).toContain('Wind Direction (°)');
    expect(createChunkDecoder('windows-1252').decode(Buffer.from([0x80]))).toBe('€');
    expect(createChunkDecoder('iso-8859-1').decode(Buffer.from([0x80, 0xb0]))).toBe('\u0080°');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b°\n', 'utf16le')]);
    const decoder = createChunkDecoder('utf-16le');
    // Split inside a character: the decoder carries the odd byte over.
    expect(decoder.decode(utf16.subarray(0, 5)) + decoder.decode(utf16.subarray(5))).toBe('a,b°\n');
    expect(() => decoder.finish()).not.toThrow();
  });

  it('refuses NUL bytes in every encoding', () => {
    expect(() => createChunkDecoder('windows-1252', 10).decode(Buffer.from([0x41, 0x00]))).toThrow(/NUL byte at offset 11/);
    expect(() => createChunkDecoder('utf-16le').decode(Buffer.from([0x00, 0x00]))).toThrow(/NUL character/);
  });
});

describe('firstInvalidUtf8', () => {
  it('points at the byte that breaks the sequence', () => {
    expect(firstInvalidUtf8(Buffer.from('ab°c', 'utf8'))).toBe(5);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3, 0x41]))).toBe(2);
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0x80]))).toBe(0); // overlong
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(1); // a surrogate
  });
});
