/** The CLI's counts read as English: a noun in the singular for one, its plural otherwise. */
import { describe, expect, it } from 'vitest';
import { counted, percent } from '../../src/driver/format.js';

describe('counted', () => {
  it.each([
    [1, 'epoch', '1 epoch'],
    [2, 'epoch', '2 epochs'], // not "epoches": -ch after a vowel takes -s
    [1, 'batch', '1 batch'],
    [6, 'batch', '6 batches'],
    [0, 'image', '0 images'],
    [60000, 'image', '60,000 images'],
    [3, 'pass', '3 passes'],
    [2, 'box', '2 boxes'],
  ])('%i %s → %s', (n, noun, want) => expect(counted(n, noun)).toBe(want));

  it('takes an irregular plural as given', () => expect(counted(2, 'child', 'children')).toBe('2 children'));
  it('percent has two decimals', () => expect(percent(0.98564)).toBe('98.56%'));
});
