import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_ORDER_BY } from '../../search/index.ts';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

describe('runs/search and run lifecycle', () => {
  const t = useTrackerFixture();
  let exp: string;
  let other: string;
  const ids: string[] = [];

  beforeAll(async () => {
    exp = (await t.post(`${API}/experiments/create`, { name: 'search' })).body.experiment_id;
    other = (await t.post(`${API}/experiments/create`, { name: 'other' })).body.experiment_id;
    // 30 runs: acc = i/30, opt alternates, team tag on even runs, start_time increasing
    for (let i = 0; i < 30; i++) {
      const run = await t.post(`${API}/runs/create`, {
        experiment_id: exp,
        run_name: `run-${String(i).padStart(2, '0')}`,
        start_time: 1_000 + i,
        tags: i % 2 === 0 ? [{ key: 'team', value: i % 4 === 0 ? 'Risk' : 'growth' }] : [],
      });
      const run_id = run.body.run.info.run_id as string;
      ids.push(run_id);
      await t.post(`${API}/runs/log-batch`, {
        run_id,
        metrics: [
          { key: 'acc', value: i / 30, timestamp: 1, step: 0 },
          ...(i < 20 ? [{ key: 'loss', value: 1 - i / 30, timestamp: 1, step: 0 }] : []),
        ],
        params: [
          { key: 'opt', value: i % 2 ? 'adam' : 'sgd' },
          { key: 'model-type', value: i % 3 ? 'mlp' : 'cnn' },
        ],
      });
      if (i % 5 === 0) await t.post(`${API}/runs/update`, { run_id, status: 'FINISHED', end_time: 5_000 + i });
    }
    await t.post(`${API}/runs/create`, { experiment_id: other, run_name: 'elsewhere' });
  });

  const search = async (body: Record<string, unknown>) => {
    const res = await t.post(`${API}/runs/search`, { experiment_ids: [exp], ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { runs?: { info: any; data: any; inputs: any }[]; next_page_token?: string };
  };
  const names = (page: { runs?: { info: { run_name: string } }[] }) => (page.runs ?? []).map((r) => r.info.run_name);

  it('lists runs newest first with their data, MLflow-shaped', async () => {
    const page = await search({ max_results: 3 });
    expect(names(page)).toEqual(['run-29', 'run-28', 'run-27']);
    expect(page.next_page_token).toBeTypeOf('string');
    const run = page.runs![0]!;
    expect(run.info).toMatchObject({
      run_id: ids[29],
      experiment_id: exp,
      status: 'RUNNING',
      lifecycle_stage: 'active',
    });
    expect(run.data.metrics).toEqual([{ key: 'acc', value: 29 / 30, timestamp: 1, step: 0 }]);
    expect(run.data.params).toEqual([
      { key: 'model-type', value: 'mlp' },
      { key: 'opt', value: 'adam' },
    ]);
    expect(run.inputs).toEqual({ dataset_inputs: [] });
  });

  it('filters on metrics, params, tags and attributes, and orders by a metric', async () => {
    expect(
      names(await search({ filter: "metrics.acc > 0.8 and params.opt = 'adam'", order_by: ['metrics.acc DESC'] })),
    ).toEqual(['run-29', 'run-27', 'run-25']);
    expect(
      names(await search({ filter: "params.`model-type` = 'cnn' and metrics.acc < 0.3", order_by: ['metrics.acc'] })),
    ).toEqual(['run-00', 'run-03', 'run-06']);
    expect(names(await search({ filter: "tags.team = 'Risk' and attributes.start_time >= 1020" }))).toEqual([
      'run-28',
      'run-24',
      'run-20',
    ]);
    expect(names(await search({ filter: "tags.team ILIKE 'risk' and start_time >= 1020" }))).toEqual([
      'run-28',
      'run-24',
      'run-20',
    ]);
    expect(names(await search({ filter: "tags.team LIKE 'risk'" }))).toEqual([]); // LIKE is case-sensitive
    expect(names(await search({ filter: "attributes.status = 'FINISHED' and attributes.end_time > 5010" }))).toEqual([
      'run-25',
      'run-20',
      'run-15',
    ]);
    expect(names(await search({ filter: "attributes.run_name LIKE 'run-1_'", max_results: 2 }))).toEqual([
      'run-19',
      'run-18',
    ]);
    expect(names(await search({ filter: `attributes.run_id IN ('${ids[3]}', '${ids[7]}')` }))).toEqual([
      'run-07',
      'run-03',
    ]);
    expect(names(await search({ filter: "params.opt != 'adam' and metrics.acc >= 0.9" }))).toEqual(['run-28']);
  });

  it('puts runs without the ordered metric last, in both directions, ties by start_time DESC', async () => {
    for (const dir of ['ASC', 'DESC']) {
      const page = await search({ order_by: [`metrics.loss ${dir}`], max_results: 30 });
      const order = names(page);
      expect(order.slice(20)).toEqual([
        'run-29',
        'run-28',
        'run-27',
        'run-26',
        'run-25',
        'run-24',
        'run-23',
        'run-22',
        'run-21',
        'run-20',
      ]);
      expect(order[0]).toBe(dir === 'ASC' ? 'run-19' : 'run-00');
    }
    expect(names(await search({ order_by: ['params.opt ASC', 'attributes.run_name ASC'], max_results: 2 }))).toEqual([
      'run-01',
      'run-03',
    ]);
  });

  it('pages across the whole result with no duplicate and no gap', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await search({
        max_results: 7,
        order_by: ['metrics.acc DESC'],
        ...(token ? { page_token: token } : {}),
      });
      seen.push(...(page.runs ?? []).map((r) => r.info.run_id));
      token = page.next_page_token;
      pages++;
    } while (token);
    expect(pages).toBe(5);
    expect(seen).toEqual([...ids].reverse());
  });

  it('answers a malformed filter, order_by or page token with INVALID_PARAMETER_VALUE naming the problem', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ filter: 'metrics.acc > high' }, /expected a number for metric 'acc' at position 14/],
      [{ filter: "params.x = 'a' OR params.y = 'b'" }, /'OR' at position 15 is not supported/],
      [{ filter: "params.x = 'a'; DROP TABLE runs; --" }, /unexpected character ';' at position 14/],
      [{ order_by: ['metrics.acc SIDEWAYS'] }, /expected ASC or DESC/],
      [{ page_token: 'not-a-token' }, /Invalid page token/],
      [{ filter: "tags.`team` OR 1=1 --` = 'x'" }, /unexpected character '-' at position 19/],
      [{ max_results: 50_001 }, /max_results/],
      [{ run_view_type: 'SOME' }, /run_view_type/],
    ];
    for (const [body, message] of cases) {
      const res = await t.post(`${API}/runs/search`, { experiment_ids: [exp], ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(res.body.message).toMatch(message);
    }
  });

  it('treats injection attempts as values: nothing matches, nothing is dropped', async () => {
    for (const filter of [
      "params.opt = '; DROP TABLE runs; --'",
      "params.opt = 'adam'' OR ''1''=''1'",
      "tags.`team`` OR 1=1 --` = 'x'",
      "params.`opt'); DELETE FROM params; --` = 'x'",
      "attributes.run_name = 'run-01\u0000' and params.opt ILIKE '%'' OR 1=1 --'",
      "tags.team = '🧨' and params.opt LIKE '[a-z]*'",
    ]) {
      const res = await t.post(`${API}/runs/search`, { experiment_ids: [exp], filter });
      expect(res.status, filter).toBe(200);
      expect(res.body.runs ?? [], filter).toEqual([]);
    }
    const { rows } = await t.store.client.execute('SELECT count(*) AS n FROM params');
    expect(Number(rows[0]!.n)).toBe(60);
    expect((await search({ max_results: 50 })).runs).toHaveLength(30);
  });

  it('searches several experiments at once; an empty list finds nothing', async () => {
    const both = await t.post(`${API}/runs/search`, {
      experiment_ids: [exp, other],
      filter: "attributes.run_name = 'elsewhere'",
    });
    expect(names(both.body)).toEqual(['elsewhere']);
    const none = await t.post(`${API}/runs/search`, {});
    expect(none.body).toEqual({ runs: [] });
  });

  it('deletes and restores runs: deleted ones show only in DELETED_ONLY and ALL', async () => {
    const run_id = ids[10]!;
    expect((await t.post(`${API}/runs/delete`, { run_id })).status).toBe(200);
    const filter = "attributes.run_name = 'run-10'";
    expect(names(await search({ filter }))).toEqual([]);
    expect(names(await search({ filter, run_view_type: 'DELETED_ONLY' }))).toEqual(['run-10']);
    expect(names(await search({ filter, run_view_type: 'ALL' }))).toEqual(['run-10']);
    expect((await t.get(`${API}/runs/get`, { run_id })).body.run.info.lifecycle_stage).toBe('deleted');
    const logging = await t.post(`${API}/runs/log-metric`, { run_id, key: 'acc', value: 1, timestamp: 1 });
    expect(logging.status).toBe(400);
    expect((await t.post(`${API}/runs/restore`, { run_id })).status).toBe(200);
    expect(names(await search({ filter }))).toEqual(['run-10']);
    expect((await t.post(`${API}/runs/delete`, { run_id: 'f'.repeat(32) })).status).toBe(404);
    expect((await t.post(`${API}/runs/restore`, {})).body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('finds nested runs through the mlflow.parentRunId tag', async () => {
    const parent = ids[0]!;
    const child = await t.post(`${API}/runs/create`, {
      experiment_id: exp,
      run_name: 'child',
      user_id: 'ana',
      tags: [
        { key: 'mlflow.parentRunId', value: parent },
        { key: 'mlflow.source.name', value: 'train.py' },
        { key: 'mlflow.source.type', value: 'LOCAL' },
      ],
    });
    expect(child.status).toBe(200);
    expect(child.body.run.info.user_id).toBe('ana');
    const page = await search({ filter: `tags.mlflow.parentRunId = '${parent}'` });
    expect(names(page)).toEqual(['child']);
    expect(page.runs![0]!.data.tags).toContainEqual({ key: 'mlflow.source.name', value: 'train.py' });
    const byUser = await search({ filter: "attributes.user_id = 'ana'" });
    expect(names(byUser)).toEqual(['child']);
  });

  it('deletes a tag; an absent tag is RESOURCE_DOES_NOT_EXIST', async () => {
    const run_id = ids[2]!;
    expect((await t.post(`${API}/runs/delete-tag`, { run_id, key: 'team' })).status).toBe(200);
    expect((await t.get(`${API}/runs/get`, { run_id })).body.run.data.tags.map((x: { key: string }) => x.key)).toEqual([
      'mlflow.runName',
    ]);
    const again = await t.post(`${API}/runs/delete-tag`, { run_id, key: 'team' });
    expect(again.status).toBe(404);
    expect(again.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('logs dataset inputs (deduplicated), shows them on the run and filters on them', async () => {
    const run_id = ids[1]!;
    const dataset = {
      name: 'fraud-train',
      digest: 'abc123',
      source_type: 'local',
      source: '{"uri":"data/train.csv"}',
      schema: '{"mlflow_colspec":[]}',
    };
    const body = { run_id, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }] };
    expect((await t.post(`${API}/runs/log-inputs`, body)).status).toBe(200);
    expect((await t.post(`${API}/runs/log-inputs`, body)).status).toBe(200); // again: no duplicate
    const second = await t.post(`${API}/runs/log-inputs`, { run_id: ids[3], datasets: [{ dataset }] });
    expect(second.status).toBe(200);
    const run = (await t.get(`${API}/runs/get`, { run_id })).body.run;
    expect(run.inputs).toEqual({
      dataset_inputs: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }],
    });
    const { rows } = await t.store.client.execute('SELECT count(*) AS n FROM datasets');
    expect(Number(rows[0]!.n)).toBe(1);
    expect(names(await search({ filter: "dataset.name = 'fraud-train'" }))).toEqual(['run-03', 'run-01']);
    expect(names(await search({ filter: "dataset.context = 'training'" }))).toEqual(['run-01']);
    expect(names(await search({ filter: "datasets.digest IN ('zzz', 'abc123') and params.opt = 'adam'" }))).toEqual([
      'run-03',
      'run-01',
    ]);
    const searched = await search({ filter: "dataset.name = 'fraud-train'" });
    expect(searched.runs![1]!.inputs.dataset_inputs[0].dataset.name).toBe('fraud-train');
    // limits: digest at most 36 characters, name required
    const tooLong = await t.post(`${API}/runs/log-inputs`, {
      run_id,
      datasets: [{ dataset: { ...dataset, digest: 'd'.repeat(37) } }],
    });
    expect(tooLong.status).toBe(400);
    const atLimit = await t.post(`${API}/runs/log-inputs`, {
      run_id,
      datasets: [{ dataset: { ...dataset, digest: 'd'.repeat(36) } }],
    });
    expect(atLimit.status).toBe(200);
    const unnamed = await t.post(`${API}/runs/log-inputs`, {
      run_id,
      datasets: [{ dataset: { ...dataset, name: undefined } }],
    });
    expect(unnamed.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('returns metric values exactly: 17 significant digits, NaN and ±Infinity', async () => {
    const run_id = (await t.post(`${API}/runs/create`, { experiment_id: other, run_name: 'exact' })).body.run.info
      .run_id;
    await t.post(`${API}/runs/log-batch`, {
      run_id,
      metrics: [
        { key: 'a', value: 0.1 + 0.2, timestamp: 1 },
        { key: 'b', value: 'Infinity', timestamp: 1 },
        { key: 'c', value: '-Infinity', timestamp: 1 },
        { key: 'd', value: 'NaN', timestamp: 1 },
        { key: 'e', value: 1e-300, timestamp: 1 },
      ],
    });
    const res = await t.post(`${API}/runs/search`, {
      experiment_ids: [other],
      filter: "attributes.run_name = 'exact'",
    });
    expect(res.body.runs[0].data.metrics.map((m: { value: unknown }) => m.value)).toEqual([
      0.30000000000000004,
      'Infinity',
      '-Infinity',
      'NaN',
      1e-300,
    ]);
  });

  it('samples a metric of several runs with get-history-bulk-interval', async () => {
    const a = (await t.post(`${API}/runs/create`, { experiment_id: other })).body.run.info.run_id;
    const b = (await t.post(`${API}/runs/create`, { experiment_id: other })).body.run.info.run_id;
    await t.post(`${API}/runs/log-batch`, {
      run_id: a,
      metrics: Array.from({ length: 100 }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), timestamp: 10 + i, step: i })),
    });
    await t.post(`${API}/runs/log-batch`, {
      run_id: b,
      metrics: [5, 50, 77].map((step) => ({ key: 'loss', value: step, timestamp: 1, step })),
    });
    const res = await t.app.request(
      `${API}/metrics/get-history-bulk-interval?run_ids=${a}&run_ids=${b}&metric_key=loss&max_results=10`,
    );
    expect(res.status).toBe(200);
    const { metrics } = (await res.json()) as {
      metrics: { run_id: string; step: number; key: string; value: number; timestamp: number }[];
    };
    const stepsA = metrics.filter((m) => m.run_id === a).map((m) => m.step);
    const stepsB = metrics.filter((m) => m.run_id === b).map((m) => m.step);
    expect(stepsA).toEqual([0, 5, 10, 20, 30, 40, 50, 60, 70, 77, 80, 90, 99]);
    expect(stepsB).toEqual([5, 50, 77]);
    expect(metrics[0]).toEqual({ key: 'loss', value: 1, timestamp: 10, step: 0, run_id: a });
    const window = await t.app.request(
      `${API}/metrics/get-history-bulk-interval?run_ids=${a}&metric_key=loss&start_step=10&end_step=20&max_results=2500`,
    );
    expect(((await window.json()) as { metrics: { step: number }[] }).metrics.map((m) => m.step)).toEqual([
      10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    ]);
    const bad: [string, number][] = [
      [`run_ids=${a}&metric_key=loss&start_step=3`, 400],
      [`run_ids=${a}&metric_key=loss&start_step=9&end_step=3`, 400],
      [`run_ids=${a}&metric_key=loss&max_results=2501`, 400],
      [`metric_key=loss`, 400],
      [`${Array.from({ length: 101 }, (_, i) => `run_ids=r${i}`).join('&')}&metric_key=loss`, 400],
      [`run_ids=${'0'.repeat(32)}&metric_key=loss`, 404],
    ];
    for (const [qs, status] of bad)
      expect((await t.app.request(`${API}/metrics/get-history-bulk-interval?${qs}`)).status, qs).toBe(status);
  });

  it('answers get-history-bulk-interval with exact values, MLflow strings for NaN/±Infinity, sampled to max_results', async () => {
    const run = (await t.post(`${API}/runs/create`, { experiment_id: other })).body.run.info.run_id;
    const values = [0.45998085056783933, 0.1 + 0.2, 'NaN', 'Infinity', '-Infinity', 1e-300];
    await t.post(`${API}/runs/log-batch`, {
      run_id: run,
      metrics: values.map((value, step) => ({ key: 'v', value, timestamp: 7, step })),
    });
    const res = await t.app.request(`${API}/metrics/get-history-bulk-interval?run_ids=${run}&metric_key=v`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { metrics: { value: unknown; step: number; run_id: string }[] };
    expect(body.metrics.map((m) => m.value)).toEqual(values);
    expect(body.metrics[2]).toEqual({ key: 'v', value: 'NaN', timestamp: 7, step: 2, run_id: run });
    // max_results=2 of 6 steps: indexes 0 and 3, and the last (5).
    const sampled = await t.app.request(
      `${API}/metrics/get-history-bulk-interval?run_ids=${run}&metric_key=v&max_results=2`,
    );
    expect(((await sampled.json()) as { metrics: { step: number }[] }).metrics.map((m) => m.step)).toEqual([0, 3, 5]);
  });

  it(`orders by up to ${MAX_ORDER_BY} keys, each breaking the ties of the ones before; more is INVALID_PARAMETER_VALUE`, async () => {
    const id = (await t.post(`${API}/experiments/create`, { name: 'order-many' })).body.experiment_id;
    // 16 runs, the bits of i in a metric, a param, a tag and a metric (absent when i % 5 = 0)
    const bit = (i: number, b: number) => (i >> b) & 1;
    const runs: { name: string; k0: number; p1: string; t2: string; k3: number | null }[] = [];
    for (let i = 0; i < 16; i++) {
      const r = {
        name: `o-${i}`,
        k0: bit(i, 0),
        p1: String(bit(i, 1)),
        t2: String(bit(i, 2)),
        k3: i % 5 === 0 ? null : bit(i, 3),
      };
      runs.push(r);
      const runId = (await t.post(`${API}/runs/create`, { experiment_id: id, run_name: r.name, start_time: i })).body
        .run.info.run_id;
      await t.post(`${API}/runs/log-batch`, {
        run_id: runId,
        metrics: [
          { key: 'k0', value: r.k0, timestamp: 1, step: 0 },
          ...(r.k3 === null ? [] : [{ key: 'k3', value: r.k3, timestamp: 1, step: 0 }]),
        ],
        params: [{ key: 'p1', value: r.p1 }],
        tags: [{ key: 't2', value: r.t2 }],
      });
    }
    const orderBy = [
      'metrics.k0 DESC',
      'params.p1 ASC',
      'tags.t2 DESC',
      'metrics.k3 ASC',
      // nothing left to decide: absent keys, a constant attribute, a key again
      'metrics.absent',
      'params.absent DESC',
      'tags.absent',
      'attributes.end_time DESC',
      'attributes.status',
      'metrics.k0 ASC',
    ];
    expect(orderBy).toHaveLength(MAX_ORDER_BY);
    const expected = [...runs]
      .sort(
        (a, b) =>
          b.k0 - a.k0 ||
          a.p1.localeCompare(b.p1) ||
          b.t2.localeCompare(a.t2) ||
          (a.k3 ?? Number.POSITIVE_INFINITY) - (b.k3 ?? Number.POSITIVE_INFINITY),
      )
      .map((r) => r.name);
    const res = await t.post(`${API}/runs/search`, { experiment_ids: [id], order_by: orderBy });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(names(res.body)).toEqual(expected);
    // o-5 has no k3: it comes after o-13 although k3 is ascending
    expect(names(res.body).slice(0, 4)).toEqual(['o-13', 'o-5', 'o-1', 'o-9']);

    for (const n of [MAX_ORDER_BY + 1, 31, 100]) {
      const many = Array.from({ length: n }, (_, i) => `metrics.m${i} DESC`);
      const refused = await t.post(`${API}/runs/search`, { experiment_ids: [id], order_by: many });
      expect(refused.status, String(n)).toBe(400);
      expect(refused.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: expect.stringContaining(`at most ${MAX_ORDER_BY} order_by clauses are supported, got ${n}`),
      });
    }
    // the tracker is still up and answers
    expect((await t.post(`${API}/runs/search`, { experiment_ids: [id], max_results: 1 })).status).toBe(200);
  });

  it('refuses a number no double can hold in a filter, naming it', async () => {
    for (const filter of ['metrics.acc > 1e400', 'metrics.acc < -1e400', 'attributes.start_time > 1e999']) {
      const res = await t.post(`${API}/runs/search`, { experiment_ids: [exp], filter });
      expect(res.status, filter).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(res.body.message).toContain(filter.split(' ').at(-1));
    }
  });
});
