/**
 * The approval rules a deployment may set: the special procedures (行政许可法 第四十五条 names 听证, 招标, 拍卖, 检验,
 * 检测, 检疫, 鉴定 and 专家评审; local rules add others such as 现场勘验, 技术审查, 公示) and the rights notice
 * after a refusal (行政复议法 第二十条: 60 days; 行政诉讼法 第四十六条: 6 months).
 */
export interface ApprovalRules {
  procedures: Record<string, string>;
  rights: { reconsiderationDays: number; litigationMonths: number; reconsiderationBody?: string };
}

export const STATUTORY_PROCEDURES: Record<string, string> = {
  hearing: "听证",
  tender: "招标",
  auction: "拍卖",
  inspection: "检验",
  testing: "检测",
  quarantine: "检疫",
  appraisal: "鉴定",
  "expert-review": "专家评审",
};

export const LOCAL_PROCEDURES: Record<string, string> = {
  "site-survey": "现场勘验",
  "technical-review": "技术审查",
  publicity: "公示",
};

export const defaultRules: ApprovalRules = {
  procedures: { ...STATUTORY_PROCEDURES, ...LOCAL_PROCEDURES },
  rights: { reconsiderationDays: 60, litigationMonths: 6 },
};

/** The notice of the applicant's rights that a refusal carries (行政许可法 第三十八条第二款). */
export function rightsText(r: ApprovalRules["rights"]): string {
  const body = r.reconsiderationBody ? `向${r.reconsiderationBody}` : "";
  return (
    `如不服本决定，可以自收到本决定书之日起${r.reconsiderationDays}日内${body}申请行政复议，` +
    `或者在${r.litigationMonths}个月内依法向人民法院提起行政诉讼。`
  );
}
