import type { Issue, RowResult, SyncAnswer } from '../../domain/index.ts';

/** Each issue object's JSON, written once however many rows carry it. */
const issueJson = new WeakMap<Issue, string>();

function issuesText(issues: readonly Issue[]): string {
  let text = '[';
  for (let i = 0; i < issues.length; i++) {
    const issue = issues[i]!;
    let json = issueJson.get(issue);
    if (json === undefined) issueJson.set(issue, (json = JSON.stringify(issue)));
    text += (i > 0 ? ',' : '') + json;
  }
  return `${text}]`;
}

function resultText(result: RowResult): string {
  let text = '';
  for (const [key, value] of Object.entries(result)) {
    if (value === undefined) continue;
    text += `${text ? ',' : '{'}"${key}":${key === 'errors' || key === 'warnings' ? issuesText(value as Issue[]) : JSON.stringify(value)}`;
  }
  return `${text || '{'}}`;
}

/**
 * `JSON.stringify(answer)`, the same text, with each issue object serialised once: a warning
 * shared by a dong-year's lines (over its allocation) is one object on 5,000 rows, and serialising
 * its Korean and English 5,000 times was most of the cost of a batch's answer.
 */
export function answerText(answer: SyncAnswer): string {
  const { batchId, revision, results, ...rest } = answer;
  if (Object.keys(rest).length > 0) return JSON.stringify(answer);
  return `{"batchId":${JSON.stringify(batchId)},"revision":${JSON.stringify(revision)},"results":[${results.map(resultText).join(',')}]}`;
}
