import { checkLengths } from './check-lengths.ts';

/**
 * Area under the ROC curve from scores, by ranks (Mann–Whitney U): tied scores share their mean
 * rank, so a tie between a positive and a negative counts one half. Throws when only one class is present.
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkLengths(yTrue, scores);
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let nPos = 0;
  let positiveRankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const meanRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (yTrue[order[k]!] === 1) {
        nPos++;
        positiveRankSum += meanRank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) throw new RangeError('ROC AUC needs both classes in yTrue');
  return (positiveRankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
