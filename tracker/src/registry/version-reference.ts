import { REFERENCE_FILE, ReferenceProfile, SIGNATURE_FILE, Signature } from '../../../contracts/index.ts';
import type { Edge } from '../edge/edge.ts';
import { invalid } from '../errors.ts';
import { type NewReference, referenceSpec } from '../store/reference-profiles.ts';

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The reference a newly copied version gets from its files under `prefix`: its `reference.json`
 * (INVALID_PARAMETER_VALUE when that is not a profile of the signature's inputs), else a live reference
 * to build from its first events with its signature's names, else none (no valid signature).
 */
export async function versionReference(edge: Edge, prefix: string): Promise<NewReference | null> {
  const [referenceBytes, signatureBytes] = await Promise.all([
    edge.blobs.get(prefix + REFERENCE_FILE),
    edge.blobs.get(prefix + SIGNATURE_FILE),
  ]);
  const signature = signatureBytes ? Signature.safeParse(parseJson(signatureBytes)) : undefined;
  if (referenceBytes) {
    const parsed = ReferenceProfile.safeParse(parseJson(referenceBytes));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw invalid(`${REFERENCE_FILE} is not a valid reference profile (${issues}).`);
    }
    const inputs = signature?.success ? signature.data.inputs.length : undefined;
    if (inputs !== undefined && parsed.data.features.length !== inputs) {
      throw invalid(
        `${REFERENCE_FILE} profiles ${parsed.data.features.length} inputs, but ${SIGNATURE_FILE} has ${inputs}.`,
      );
    }
    return { source: 'training', profile: { ...parsed.data, source: 'training' } };
  }
  return signature?.success ? { source: 'live', spec: referenceSpec(signature.data) } : null;
}
