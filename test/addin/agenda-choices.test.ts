// addin/sync/agenda-choices.ts: a spending line's 관련 의제 list is its dong's agendas of that year, as
// the 자치계획 table holds them, whether the dong is typed by name or code.
import { describe, expect, it } from 'vitest';
import { agendaChoices } from '../../addin/sync/agenda-choices.ts';
import { daejeonReference, ReferenceIndex } from '../../domain/index.ts';

const ref = new ReferenceIndex(daejeonReference);
const agenda = (dong: string, fiscalYear: number, title: string) => ({ dong, fiscalYear, title });
const line = (row: number, dong: string, fiscalYear: number | null) => ({ row, values: { dong, fiscalYear } });

describe('agendaChoices', () => {
  it('gives each line the titles of its dong and year, in the plan’s order, each once', () => {
    const agendas = [
      agenda('가양2동', 2019, '마을 축제'),
      agenda('30110-gayang2', 2019, ' 공유 텃밭 '),
      agenda('가양2동', 2019, '마을 축제'),
      agenda('가양2동', 2020, '마을 신문'),
      agenda('갈마1동', 2019, '어르신 돌봄'),
      // A comma cannot be inside a list item: left out (the service still links it by its title).
      agenda('가양2동', 2019, '벽화, 화단'),
    ];
    const groups = agendaChoices(
      agendas,
      [line(0, '가양2동', 2019), line(1, '30110-gayang2', 2019), line(2, '가양2동', 2020), line(3, '진잠동', 2019), line(4, '가양2동', null)],
      ref,
    );
    const byRows = new Map(groups.map((g) => [g.rows.join(','), g.choices]));
    expect(byRows.get('0,1')).toEqual(['마을 축제', '공유 텃밭']);
    expect(byRows.get('2')).toEqual(['마을 신문']);
    // No agenda for 진잠동 in 2019, or no year on the line: an empty list (any earlier one cleared).
    expect(byRows.get('3')).toEqual([]);
    expect(byRows.get('4')).toEqual([]);
    const first = groups.find((g) => g.rows.includes(0))!;
    expect(first.message).toMatch(/^가양2동 2019년 자치계획에 없는 의제입니다\. .* \/ Not an agenda of 가양2동's 2019 plan/);
    expect(first.message.length).toBeLessThanOrEqual(225);
  });

  it('keeps the list within the 255 characters Excel takes, cut at a whole title', () => {
    const many = Array.from({ length: 40 }, (_, i) => agenda('가양2동', 2019, `의제 ${String(i).padStart(2, '0')} 마을 사업`));
    const [group] = agendaChoices(many, [line(0, '가양2동', 2019)], ref);
    expect(group!.choices.join(',').length).toBeLessThanOrEqual(255);
    expect(group!.choices.length).toBeGreaterThan(10);
    expect(group!.choices.at(-1)).toMatch(/^의제 \d\d 마을 사업$/);
  });
});
