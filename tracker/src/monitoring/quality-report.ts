import type { PredictionArm, Signature } from '../../../contracts/index.ts';
import type { LabeledPrediction } from '../store/entities.ts';
import type { TrackingStore } from '../store/tracking-store.ts';
import { type LiveQuality, liveQuality } from './live-quality.ts';
import { validationMetrics } from './validation-metrics.ts';

/** The live quality of one version on one arm, next to the version's validation metrics. */
export interface ArmQuality extends LiveQuality {
  version: string;
  arm: PredictionArm;
  /** The `test_*` metrics of the version's run (see `validationMetrics`), to compare the labeled ones with. */
  validation: Record<string, number> | null;
}

/** The answer of `GET monitoring/quality`. */
export interface QualityReport {
  name: string;
  start_time: number;
  end_time: number;
  /** One entry per version and arm that predicted in the window, by version (newest first), then arm. */
  versions: ArmQuality[];
}

/** The live quality of a model's predictions made in [`start`, `end`) (of one version, when given), per version and arm. */
export async function qualityReport(
  store: TrackingStore,
  signatureOf: (model: string, version: string) => Promise<Signature | undefined>,
  input: { name: string; version?: string; start: number; end: number },
): Promise<QualityReport> {
  const rows = await store.labeledPredictions({ model: input.name, ...input });
  const groups = new Map<string, LabeledPrediction[]>();
  for (const row of rows) {
    const key = `${row.version}\u0000${row.arm}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const versions: ArmQuality[] = [];
  for (const group of groups.values()) {
    const { version, arm } = group[0]!;
    const signature = await signatureOf(input.name, version);
    const validation = await validationMetrics(store, input.name, version);
    versions.push({ version, arm, ...liveQuality(group, signature?.output), validation });
  }
  versions.sort((a, b) => Number(b.version) - Number(a.version) || a.arm.localeCompare(b.arm));
  return { name: input.name, start_time: input.start, end_time: input.end, versions };
}
