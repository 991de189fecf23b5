import { MEASURE_SIGNIFICANT_DIGITS, roundMeasure, roundMeasures } from './precision.js';

describe('roundMeasure', () => {
  it('removes the binary noise of double arithmetic', () => {
    expect(roundMeasure(71.39999999999999)).toBe(71.4);
    expect(roundMeasure(0.037500000000000006)).toBe(0.0375);
    expect(roundMeasure(0.1 + 0.2)).toBe(0.3);
    expect(roundMeasure(-0.30000000000000004)).toBe(-0.3);
  });

  it('keeps values that have no more digits than it writes', () => {
    for (const exact of [2.975, 0.920892761542, 4.4, -3.5, 0.5, 1e-7, 123456.789012, 0.1]) expect(roundMeasure(exact)).toBe(exact);
  });

  it(`writes at most ${MEASURE_SIGNIFICANT_DIGITS} significant digits`, () => {
    expect(roundMeasure(1 / 3)).toBe(0.333333333333);
    expect(roundMeasure(0.920892761542227)).toBe(0.920892761542);
    expect(roundMeasure(4.487878787878787)).toBe(4.48787878788);
    expect(roundMeasure(-2.669340429350896)).toBe(-2.66934042935);
  });

  it('leaves integers exact, however large, and non-finite values alone', () => {
    expect(roundMeasure(9007199254740000)).toBe(9007199254740000);
    expect(roundMeasure(1646092800000)).toBe(1646092800000);
    expect(roundMeasure(-7)).toBe(-7);
    expect(roundMeasure(Number.NaN)).toBeNaN();
    expect(roundMeasure(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('roundMeasures', () => {
  it('rounds every number of a response body, in objects and arrays, and keeps the rest', () => {
    const body = {
      items: [{ turbineId: 1, turbineName: '1', energyMWh: 71.39999999999999, mean: 2.975, stddev: null, judged: true }],
      nextCursor: 'WzE2NDYwOTI4MDAwMDAsMV0',
      fleet: { bins: [{ bin: 16, mean: 0.037500000000000006 }], ratedPower: null },
    };
    expect(roundMeasures(body)).toEqual({
      items: [{ turbineId: 1, turbineName: '1', energyMWh: 71.4, mean: 2.975, stddev: null, judged: true }],
      nextCursor: 'WzE2NDYwOTI4MDAwMDAsMV0',
      fleet: { bins: [{ bin: 16, mean: 0.0375 }], ratedPower: null },
    });
    expect(body.items[0]!.energyMWh).toBe(71.39999999999999);
  });
});
