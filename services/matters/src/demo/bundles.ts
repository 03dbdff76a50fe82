import type { DepartmentRef, MattersEventData } from "@gov/contracts";
import { type DemoDepartment, departments } from "./departments.ts";

export interface DemoBundle {
  bundleId: string;
  name: string;
  leadDepartment: DepartmentRef;
  matterIds: string[];
  /** Dependencies the catalog data cannot show (the rest are derived from the members' certificates). */
  dependencies?: NonNullable<MattersEventData["BundlePublished"]["dependencies"]>;
}

const ref = ({ creditCode, name }: DemoDepartment): DepartmentRef => ({ creditCode, name });

/**
 * "一件事" bundles (乐山市加快推进政务服务标准化规范化便利化工作方案 (2022) 三(三)1): one form, one set of materials, one window.
 * Their members' results feed each other: 企业设立登记's 营业执照 is what the four other 企业开办 matters ask for,
 * 出生医学证明签发's certificate is what 出生登记 and 参保登记 ask for (both derived from the members' certificates),
 * and the newborn's 户口 registered by 出生登记 is the 户口簿 参保登记 and 社会保障卡申领 ask for (named here: the
 * result, 居民户口簿（新生儿户口页）, is not spelled like the certificate the material names).
 */
export const demoBundles: DemoBundle[] = [
  {
    bundleId: "enterprise-opening",
    name: "企业开办一件事",
    leadDepartment: ref(departments.market),
    matterIds: [
      "enterprise-establishment",
      "seal-engraving-filing",
      "invoice-issuance",
      "employer-social-insurance-registration",
      "housing-fund-employer-registration",
    ],
  },
  {
    bundleId: "newborn-birth",
    name: "新生儿出生一件事",
    leadDepartment: ref(departments.health),
    matterIds: [
      "birth-medical-certificate",
      "birth-household-registration",
      "newborn-medical-insurance",
      "social-security-card",
    ],
    dependencies: [
      { matterId: "newborn-medical-insurance", materialId: "HH", producedBy: "birth-household-registration" },
      { matterId: "social-security-card", materialId: "HH", producedBy: "birth-household-registration" },
    ],
  },
];

/**
 * The demo catalog's materials baseline: how many materials its matters asked of applicants before the reform,
 * against which "materials reduced" is measured (国办发〔2018〕45号: 材料减少60%以上). Invented like the rest of
 * the demo, and labelled so; a real deployment records its own with `PUT /matters/kpis/materials-baseline`.
 */
export const demoMaterialsBaseline = {
  count: 118,
  asOf: "2018-06-30",
  source: { title: "演示数据：改革前本市依申请政务服务事项申请材料清单（虚构，2018年版）" },
};
