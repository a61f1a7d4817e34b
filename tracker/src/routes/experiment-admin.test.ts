import { beforeAll, describe, expect, it } from 'vitest';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

describe('experiments: search, update, delete, restore, tags, stats', () => {
  const t = useTrackerFixture();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    for (const name of ['alpha', 'beta', 'gamma', 'Delta']) {
      ids[name] = (
        await t.post(`${API}/experiments/create`, {
          name,
          tags: [{ key: 'team', value: name === 'beta' ? 'risk' : 'growth' }],
        })
      ).body.experiment_id;
    }
  });

  const names = (body: { experiments?: { name: string }[] }) => (body.experiments ?? []).map((e) => e.name);

  it('searches by name and tags, newest first by default, over POST and GET', async () => {
    const all = await t.post(`${API}/experiments/search`, {});
    expect(all.status).toBe(200);
    expect(names(all.body)).toEqual(['Delta', 'gamma', 'beta', 'alpha', 'Default']);
    expect(all.body.experiments[2]).toMatchObject({
      experiment_id: ids.beta,
      lifecycle_stage: 'active',
      tags: [{ key: 'team', value: 'risk' }],
    });
    expect(
      names(
        (
          await t.post(`${API}/experiments/search`, {
            filter: "name LIKE '%a' and tags.team = 'growth'",
            order_by: ['name ASC'],
          })
        ).body,
      ),
    ).toEqual(['Delta', 'alpha', 'gamma']);
    expect(
      names(
        (await t.post(`${API}/experiments/search`, { filter: "attributes.name ILIKE 'd%'", order_by: ['name'] })).body,
      ),
    ).toEqual(['Default', 'Delta']);
    const get = await t.app.request(`${API}/experiments/search?max_results=2&order_by=name%20DESC`);
    const page = (await get.json()) as { experiments: { name: string }[]; next_page_token: string };
    expect(names(page)).toEqual(['gamma', 'beta']);
    const next = await t.get(`${API}/experiments/search`, {
      max_results: '2',
      order_by: 'name DESC',
      page_token: page.next_page_token,
    });
    expect(names(next.body)).toEqual(['alpha', 'Delta']);
    const bad = await t.post(`${API}/experiments/search`, { filter: 'metrics.x > 1' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/experiments cannot be searched by metric/);
  });

  it('refuses an order_by it cannot sort by, and a number no double can hold, as INVALID_PARAMETER_VALUE', async () => {
    for (const order_by of [['tags.team'], ['name', 'tags.`team` DESC']]) {
      const res = await t.post(`${API}/experiments/search`, { order_by });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: expect.stringMatching(
          /cannot order experiments by tag 'team' .*ordered by name, experiment_id, creation_time, last_update_time/,
        ),
      });
    }
    const huge = await t.post(`${API}/experiments/search`, { filter: 'creation_time > 1e400' });
    expect(huge.status).toBe(400);
    expect(huge.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(huge.body.message).toMatch(/the number 1e400 .* is out of range/);
  });

  it('renames; a taken name is RESOURCE_ALREADY_EXISTS', async () => {
    expect((await t.post(`${API}/experiments/update`, { experiment_id: ids.alpha, new_name: 'alpha-2' })).status).toBe(
      200,
    );
    expect((await t.get(`${API}/experiments/get`, { experiment_id: ids.alpha! })).body.experiment.name).toBe('alpha-2');
    const clash = await t.post(`${API}/experiments/update`, { experiment_id: ids.alpha, new_name: 'beta' });
    expect(clash.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await t.post(`${API}/experiments/update`, { experiment_id: '999', new_name: 'x' })).status).toBe(404);
    expect((await t.post(`${API}/experiments/update`, { experiment_id: ids.alpha })).body.message).toMatch(/new_name/);
  });

  it('deletes an experiment with its runs and restores both; stats count active runs', async () => {
    const exp = ids.gamma!;
    const runs: string[] = [];
    for (let i = 0; i < 3; i++)
      runs.push((await t.post(`${API}/runs/create`, { experiment_id: exp, start_time: 100 + i })).body.run.info.run_id);
    await t.post(`${API}/runs/delete`, { run_id: runs[0] });
    const stats = await t.get(`/api/2.0/edgeflow/experiments/stats?experiment_ids=${exp}&experiment_ids=${ids.beta}`);
    expect(stats.body).toEqual({
      stats: [
        { experiment_id: exp, run_count: 2, last_run_start_time: 102 },
        { experiment_id: ids.beta, run_count: 0 },
      ],
    });

    expect((await t.post(`${API}/experiments/delete`, { experiment_id: exp })).status).toBe(200);
    expect((await t.get(`${API}/experiments/get`, { experiment_id: exp })).body.experiment.lifecycle_stage).toBe(
      'deleted',
    );
    expect(names((await t.post(`${API}/experiments/search`, {})).body)).not.toContain('gamma');
    expect(names((await t.post(`${API}/experiments/search`, { view_type: 'DELETED_ONLY' })).body)).toEqual(['gamma']);
    expect(names((await t.post(`${API}/experiments/search`, { view_type: 3 })).body)).toContain('gamma');
    for (const run_id of runs)
      expect((await t.get(`${API}/runs/get`, { run_id })).body.run.info.lifecycle_stage).toBe('deleted');
    expect((await t.post(`${API}/runs/create`, { experiment_id: exp })).status).toBe(400);
    expect((await t.post(`${API}/runs/restore`, { run_id: runs[1] })).body.message).toMatch(/experiment .* is deleted/);
    expect((await t.post(`${API}/experiments/update`, { experiment_id: exp, new_name: 'g2' })).status).toBe(400);
    expect(
      (await t.post(`${API}/experiments/set-experiment-tag`, { experiment_id: exp, key: 'k', value: 'v' })).status,
    ).toBe(400);

    expect((await t.post(`${API}/experiments/restore`, { experiment_id: exp })).status).toBe(200);
    for (const run_id of runs)
      expect((await t.get(`${API}/runs/get`, { run_id })).body.run.info.lifecycle_stage).toBe('active');
    expect((await t.post(`${API}/experiments/restore`, { experiment_id: exp })).body.error_code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    const deleteDefault = await t.post(`${API}/experiments/delete`, { experiment_id: '0' });
    expect(deleteDefault.status).toBe(400);
    expect((await t.post(`${API}/experiments/delete`, { experiment_id: '424242' })).status).toBe(404);
  });

  it('sets experiment tags with MLflow limits (value 5,000, key 250)', async () => {
    const experiment_id = ids.beta;
    expect(
      (await t.post(`${API}/experiments/set-experiment-tag`, { experiment_id, key: 'team', value: 'v'.repeat(5000) }))
        .status,
    ).toBe(200);
    expect(
      (await t.post(`${API}/experiments/set-experiment-tag`, { experiment_id, key: 'k'.repeat(250), value: 'x' }))
        .status,
    ).toBe(200);
    expect(
      (await t.post(`${API}/experiments/set-experiment-tag`, { experiment_id, key: 'team', value: 'v'.repeat(5001) }))
        .status,
    ).toBe(400);
    expect(
      (await t.post(`${API}/experiments/set-experiment-tag`, { experiment_id, key: 'k'.repeat(251), value: 'x' }))
        .status,
    ).toBe(400);
    const tags = (await t.get(`${API}/experiments/get`, { experiment_id: experiment_id! })).body.experiment.tags;
    expect(tags).toHaveLength(2);
    expect(tags).toContainEqual({ key: 'team', value: 'v'.repeat(5000) });
  });
});
