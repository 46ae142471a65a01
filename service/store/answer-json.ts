import type { Issue, RowResult, SyncAnswer } from '../../domain/index.ts';

/** The JSON of issues already written, by the issue (rowIssue gives rows one object per distinct warning). */
const issueJson = new WeakMap<Issue, string>();

function issueText(issue: Issue): string {
  let text = issueJson.get(issue);
  if (text === undefined) issueJson.set(issue, (text = JSON.stringify(issue)));
  return text;
}

function issuesText(issues: readonly Issue[]): string {
  let out = '[';
  for (let i = 0; i < issues.length; i++) out += (i === 0 ? '' : ',') + issueText(issues[i]!);
  return `${out}]`;
}

function resultText(result: RowResult): string {
  let out = '{';
  for (const key in result) {
    const value = (result as unknown as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const text = (key === 'warnings' || key === 'errors') && Array.isArray(value) ? issuesText(value as Issue[]) : JSON.stringify(value);
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${text}`;
  }
  return `${out}}`;
}

/**
 * A sync answer's JSON, the same text as `JSON.stringify(answer)`, with each distinct warning
 * written once however many rows carry it: a batch whose lines share a dong-year's over-allocation
 * warning repeats a few hundred bytes on every row.
 */
export function answerJson(answer: SyncAnswer): string {
  if (Object.keys(answer).join() !== 'batchId,revision,results') return JSON.stringify(answer);
  const parts: string[] = [];
  for (const result of answer.results) parts.push(resultText(result));
  return `{"batchId":${JSON.stringify(answer.batchId)},"revision":${JSON.stringify(answer.revision)},"results":[${parts.join(',')}]}`;
}
