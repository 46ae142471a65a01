/** Fixed code lists of the API. Officials see the code itself; spelling variants are the normaliser's job. */
export const categories = ['자치지원관 인건비', '간사 인건비', '주민자치학교 운영비', '사무공간 조성비', '자체 사업비', '기타'] as const;

export const fundingSources = ['특별교부세', '시비', '구비', '기타'] as const;

export const activities = [
  '주민총회',
  '주민자치학교',
  '분과위원회',
  '주민자치회 회의',
  '주민설명회·토론회',
  '교육·워크숍',
  '마을의제 발굴',
  '워킹그룹',
  '실무협의회',
  '기타',
] as const;

export const milestones = [
  '시범조례 제·개정',
  '동장 직위공모',
  '자치지원관 선발',
  '주민자치학교 운영',
  '위원 선정',
  '주민자치회 발대식',
  '자치규약 제정',
  '분과위원회 구성',
  '자치계획 수립',
  '주민총회 개최',
  '자치계획 실행',
] as const;

export const statuses = ['미착수', '진행중', '완료', '지연', '보류'] as const;

/** The two pay lines of a pilot budget; 사업비 집행률 (discretionaryExecutionRate) leaves them out. */
export const payCategories = ['자치지원관 인건비', '간사 인건비'] as const satisfies readonly (typeof categories)[number][];

/** 추진 재원: how an agenda of the 자치계획 is paid for. */
export const fundingRoutes = ['자체 사업비', '주민참여예산', '구 예산', '시 예산', '기타'] as const;

/** 상태 of an agenda (의제) of the 자치계획, from its finding to its completion. */
export const agendaStatuses = ['발굴', '총회 상정', '가결', '부결', '실행중', '완료', '보류'] as const;

export type Category = (typeof categories)[number];
export type FundingSource = (typeof fundingSources)[number];
export type Activity = (typeof activities)[number];
export type Milestone = (typeof milestones)[number];
export type Status = (typeof statuses)[number];

export const codeLists = {
  category: categories,
  fundingSource: fundingSources,
  activity: activities,
  milestone: milestones,
  status: statuses,
  fundingRoute: fundingRoutes,
  agendaStatus: agendaStatuses,
} as const;

export type CodeListName = keyof typeof codeLists;
