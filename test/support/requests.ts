/** A resident's application as the tests fill it in, and the captcha answered as a person would. */
const NUMERALS = '零一二三四五六七八九十';

/** Reads the sum as a person would. */
export function solve(question: string): string {
  const m = /^(.)加(.)等于/.exec(question)!;
  return String(NUMERALS.indexOf(m[1]) + NUMERALS.indexOf(m[2]));
}

export const PERSON = {
  applicantType: 'person',
  name: '张三',
  idType: 'resident_id',
  idNumber: '11010519491231002X',
  phone: '13812345678',
  email: 'zhang@example.com',
  address: '青山县人民路 1 号',
  postcode: '350100',
  description: '2025年本县城乡最低生活保障资金的发放情况',
  formWanted: 'electronic',
  delivery: 'email',
};
