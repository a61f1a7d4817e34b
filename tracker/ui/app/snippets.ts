import { h } from './dom.ts';

/** The tracker's own origin, as clients should name it. */
function origin(): string {
  return typeof location === 'undefined' ? 'http://localhost:5000' : location.origin;
}

/** Python snippet: log a run with MLflow's official client. */
export function pythonRunSnippet(experimentName: string): string {
  return [
    'import mlflow',
    '',
    `mlflow.set_tracking_uri("${origin()}")`,
    `mlflow.set_experiment(${JSON.stringify(experimentName)})`,
    '',
    'with mlflow.start_run(run_name="first-run"):',
    '    mlflow.log_param("lr", 0.01)',
    '    for step in range(10):',
    '        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)',
  ].join('\n');
}

/** TypeScript snippet: log a run with edgeflow's client (`tracker/client`). */
export function tsRunSnippet(experimentName: string): string {
  return [
    "import { TrackerClient } from './tracker/client/index.ts';",
    '',
    `const client = new TrackerClient({ baseUrl: '${origin()}' });`,
    `const experimentId = await client.getOrCreateExperiment(${JSON.stringify(experimentName)});`,
    "const run = await client.createRun({ experimentId, runName: 'first-run' });",
    'await client.logParams(run.run_id, { lr: 0.01 });',
    'const metrics = client.metricLogger(run.run_id); // batches points, flushes on close',
    "for (let step = 0; step < 10; step++) metrics.log('loss', 1 / (step + 1), step);",
    'await metrics.close();',
    'await client.endRun(run.run_id);',
  ].join('\n');
}

/** Python snippet: register a model version and promote it. */
export function pythonModelSnippet(): string {
  return [
    'import mlflow',
    'from mlflow import MlflowClient',
    '',
    `mlflow.set_tracking_uri("${origin()}")`,
    'client = MlflowClient()',
    'client.create_registered_model("fraud-detector")',
    'mv = client.create_model_version("fraud-detector", source=f"runs:/{run_id}/model", run_id=run_id)',
    'client.set_registered_model_alias("fraud-detector", "production", mv.version)',
  ].join('\n');
}

/** A titled, copyable code block. */
export function codeBlock(title: string, code: string): HTMLElement {
  const pre = h('pre', { class: 'code', tabindex: 0 }, h('code', null, code));
  const status = h('span', { class: 'copy-status', role: 'status' });
  const copy = h(
    'button',
    {
      type: 'button',
      class: 'link-button',
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(code);
          status.textContent = 'Copied';
        } catch {
          status.textContent = 'Select the text to copy';
        }
      },
    },
    'Copy',
  );
  return h(
    'div',
    { class: 'snippet' },
    h('div', { class: 'snippet-head' }, h('strong', null, title), copy, status),
    pre,
  );
}

/** The "no runs yet" empty state with both snippets. */
export function noRunsHelp(experimentName: string): HTMLElement {
  return h(
    'section',
    { class: 'empty' },
    h('h2', null, 'No runs yet'),
    h('p', null, 'Point your training code at this tracker and log a run; it shows up here.'),
    codeBlock("Python (MLflow's client)", pythonRunSnippet(experimentName)),
    codeBlock('TypeScript (edgeflow client)', tsRunSnippet(experimentName)),
  );
}
