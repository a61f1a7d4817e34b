import { describe, expect, it } from 'vitest';
import { MAX_MODEL_NAME_BYTES, modelNameProblem } from './model-name.ts';
import { pointerKey } from './naming.ts';
import { REFUSED_MODEL_NAMES, SERVABLE_MODEL_NAMES } from './testing/model-names.ts';

describe('modelNameProblem', () => {
  it.each(
    SERVABLE_MODEL_NAMES.map((name) => [name.length > 40 ? `${name.slice(0, 12)}… (${name.length})` : name, name]),
  )('accepts %s', (_, name) => {
    expect(modelNameProblem(name)).toBeUndefined();
  });

  it.each(REFUSED_MODEL_NAMES)('refuses a name with %s, saying why', (_, name) => {
    expect(modelNameProblem(name)).toMatch(/^model names may/);
  });

  it('keeps the pointer key of the longest name within Workers KV’s 512 bytes', () => {
    const longest = 'я'.repeat(MAX_MODEL_NAME_BYTES / 2);
    expect(modelNameProblem(longest)).toBeUndefined();
    expect(new TextEncoder().encode(pointerKey(longest)).length).toBe(512);
  });
});
