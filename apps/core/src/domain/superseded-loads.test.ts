import { supersededLoads } from './superseded-loads.js';

describe('which earlier loads a new version of a file supersedes', () => {
  it('supersedes nothing when it shares no reading with an earlier load (a reused name)', () => {
    expect(supersededLoads([{ id: 1, appendOfId: null }], [])).toEqual([]);
  });

  it('supersedes an earlier load it shares a reading with', () => {
    expect(
      supersededLoads(
        [
          { id: 1, appendOfId: null },
          { id: 2, appendOfId: null },
        ],
        [2],
      ),
    ).toEqual([2]);
  });

  it('supersedes a whole delivery, appended parts and continuations included, when it shares a reading with any of them', () => {
    const earlier = [
      { id: 3, appendOfId: null },
      { id: 5, appendOfId: 3 },
      { id: 8, appendOfId: 5 },
      { id: 9, appendOfId: null },
    ];
    expect(supersededLoads(earlier, [3])).toEqual([3, 5, 8]);
    expect(supersededLoads(earlier, [8])).toEqual([3, 5, 8]);
    expect(supersededLoads(earlier, [9, 5])).toEqual([3, 5, 8, 9]);
  });

  it('ignores loads that are not earlier loads of the path, and stops at a base it does not know', () => {
    expect(
      supersededLoads(
        [
          { id: 4, appendOfId: 2 },
          { id: 6, appendOfId: 4 },
        ],
        [6, 42],
      ),
    ).toEqual([4, 6]);
  });
});
