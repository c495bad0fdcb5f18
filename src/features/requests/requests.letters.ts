/**
 * The reply letter (告知书): a draft per outcome that staff edit, and its Word file. The letter is plain
 * paragraphs — what a 告知书 is — so the page, the print view and the .docx show the same text.
 */

import { AlignmentType, Document, Packer, Paragraph, TextRun } from 'docx';
import { paragraphsOf } from '../../core/text.ts';
import { AMENDMENT_REPLY_WORKDAYS, FEE_PAYMENT_WORKDAYS, OUTCOMES } from './requests.rules.ts';

export interface LetterFacts {
  applicant: string;
  trackingNo: string;
  /** Dates written 2026年12月3日. */
  receivedOn: string;
  description: string;
  agency: string;
  outcome: string;
  /** The staff's reason (what is withheld and why, where else to ask …). */
  reason: string;
  basis: string;
  /** The dates of the amendment or fee notice, for the abandonment letters. */
  amendmentRequestedOn?: string;
  feeNotifiedOn?: string;
  /** An item already proactively disclosed: its title and address. */
  publication?: { title: string; url: string };
  today: string;
}

export const chineseDate = (d: string) =>
  `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

const REG = '《中华人民共和国政府信息公开条例》';

const REMEDY =
  '如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者自收到本答复之日起六个月内依法向人民法院提起行政诉讼。';

/** A sentence's own end marks, taken off before the letter adds its own (no “…。”。). */
const bare = (s: string) => s.replace(/[\s。．.，,；;！!？?、]+$/u, '');

/** Marks and phrases doubled where two pieces of a letter meet, made single. */
const tidy = (s: string) =>
  s
    .replace(/([。！？；，])”\1/gu, '$1”')
    .replace(/([。；，])(?=[。；，])/gu, '')
    .replace(/的规定的规定/gu, '的规定')
    .replace(/情形情形/gu, '情形');

/** The body paragraph that differs per outcome. */
function decision(f: LetterFacts): string {
  // the legal basis as the letter cites it: 根据…的规定 (a basis already saying 规定 is not said twice)
  const basis = f.basis ? bare(f.basis).replace(/的?规定$/u, '') : REG;
  const reason = f.reason ? `${bare(f.reason)}。` : '';
  switch (OUTCOMES.get(f.outcome)?.group) {
    case 'granted':
      return f.publication
        ? `经审查，您申请获取的政府信息已经主动公开。根据${REG_36_1}的规定，您可以通过以下途径获取：《${f.publication.title}》，网址：${f.publication.url}。${reason}`
        : `经审查，您申请获取的政府信息属于公开范围。根据${basis}的规定，现将该政府信息提供给您，请查收。${reason}`;
    case 'partial':
      return `经审查，您申请获取的政府信息中，${reason || '部分内容依法不予公开。'}根据${basis}的规定，本机关对可以公开的部分予以提供，请查收。`;
    case 'refused':
      return `经审查，您申请获取的政府信息${OUTCOMES.get(f.outcome)!.label.replace(/^\d+\./, '')}。${reason}根据${basis}的规定，本机关决定不予公开。`;
    case 'unavailable':
      if (f.outcome === 'unavailable_not_held')
        return `经检索查找，本机关没有制作或者获取您申请的政府信息，该政府信息不存在。${reason}根据${basis}的规定，特此告知。`;
      if (f.outcome === 'unavailable_to_create')
        return `经审查，您申请获取的信息需要本机关对现有政府信息进行加工、分析或者另行制作。${reason}根据${basis}的规定，本机关无法提供。`;
      return `本机关${f.amendmentRequestedOn ? `于${f.amendmentRequestedOn}` : ''}向您发出补正通知，您补正后申请内容仍不明确，本机关无法确定您所需的政府信息。${reason}根据${basis}的规定，本机关无法提供。`;
    case 'not_processed':
      return `经审查，您提出的申请属于${OUTCOMES.get(f.outcome)!
        .label.replace(/^\d+\./, '')
        .replace(/情形$/u, '')}情形。${reason}根据${basis}的规定，本机关不作为政府信息公开申请处理。`;
    case 'other':
      if (f.outcome === 'other_no_amendment')
        return `本机关${f.amendmentRequestedOn ? `于${f.amendmentRequestedOn}` : ''}向您发出补正通知，您无正当理由逾期未补正，视为放弃申请。根据${basis}的规定，本机关不再处理该政府信息公开申请。`;
      if (f.outcome === 'other_no_fee')
        return `本机关${f.feeNotifiedOn ? `于${f.feeNotifiedOn}` : ''}向您发出收费通知，您逾期未缴纳信息处理费，视为放弃申请。根据${basis}的规定，本机关不再处理该政府信息公开申请。`;
      return reason || '经审查，本机关对您的申请作如下处理：';
    default:
      throw new Error(`unknown outcome ${f.outcome}`);
  }
}
const REG_36_1 = `${REG}第三十六条第（一）项`;

export const LETTER_TITLE = '政府信息公开申请答复告知书';

/** The salutation and the facts every letter to the applicant starts with. */
const opening = (f: Pick<LetterFacts, 'applicant' | 'receivedOn' | 'trackingNo' | 'description'>) => [
  `${f.applicant}：`,
  `本机关于${f.receivedOn}收到您提出的政府信息公开申请（申请编号：${f.trackingNo}），申请获取：“${bare(f.description.replace(/\s+/g, ' ').slice(0, 300))}”。`,
];

/** The draft letter, as paragraphs separated by blank lines: salutation, facts, decision, remedy, signature, date. */
export function draftReply(f: LetterFacts): string {
  return [...opening(f), decision(f), REMEDY, f.agency, f.today].map(tidy).join('\n\n');
}

/** The notices sent while a case runs: the amendment request, the extension, the fee. */
export const NOTICE_TITLES = {
  amendment_requested: '政府信息公开申请补正告知书',
  extended: '政府信息公开申请延期答复告知书',
  fee_notified: '政府信息公开信息处理费缴费通知书',
} as const;
export type NoticeKind = keyof typeof NOTICE_TITLES;

export interface NoticeFacts
  extends Pick<LetterFacts, 'applicant' | 'receivedOn' | 'trackingNo' | 'description' | 'agency'> {
  kind: NoticeKind;
  /** The notice's date, written 2026年12月3日. */
  on: string;
  /** What staff wrote with the step: what to amend, why the extension, how the fee was counted. */
  note: string;
  /** Extension: the working days added and the new answer date. */
  workdays?: number;
  newDue?: string;
  /** Fee: the amount, how it was counted and the last day to pay. */
  amount?: number;
  byPages?: number;
  payBy?: string;
}

/** The notice's text, as paragraphs separated by blank lines, like the reply letter. */
export function draftNotice(f: NoticeFacts): string {
  const note = bare(f.note);
  const body: Record<NoticeKind, string[]> = {
    amendment_requested: [
      `经审查，您的申请内容不明确。根据${REG}第三十条的规定，现一次性告知您需要补正的事项：${note}。`,
      `请您自收到本告知书之日起${AMENDMENT_REPLY_WORKDAYS}个工作日内补正。答复期限自本机关收到补正的申请之日起计算。您无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。`,
    ],
    extended: [
      `因${note || '需要延长答复期限'}，本机关不能在规定期限内作出答复。根据${REG}第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，答复期限延长${f.workdays ?? ''}个工作日${f.newDue ? `，本机关将于${f.newDue}前作出答复` : ''}。`,
    ],
    fee_notified: [
      `经审查，您申请获取的政府信息数量、频次明显超过合理范围。根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，本机关决定${f.byPages !== undefined ? `按页数计收（共${f.byPages}页）` : '按件计收'}信息处理费${f.amount ?? ''}元。${note ? `${note}。` : ''}`,
      `请您自收到本通知之日起${FEE_PAYMENT_WORKDAYS}个工作日内${f.payBy ? `（即${f.payBy}前）` : ''}缴纳。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。自本通知发出至您缴费完成的期间，不计算在答复期限内。`,
    ],
  };
  return [...opening(f), ...body[f.kind], f.agency, f.on].map(tidy).join('\n\n');
}

/** The Word file: title, number, the paragraphs in 仿宋 three-size type, the signature and date set right. */
export async function replyDocx(title: string, trackingNo: string, text: string): Promise<Buffer> {
  const paras = paragraphsOf(text);
  const font = { ascii: 'FangSong', eastAsia: '仿宋_GB2312', hAnsi: 'FangSong' };
  const run = (t: string, bold = false, size = 32) => new TextRun({ text: t, bold, size, font });
  // the last two paragraphs are the agency and the date when the letter keeps the draft's shape
  const tail = paras.length >= 2 && /年\d{1,2}月\d{1,2}日$/.test(paras.at(-1)!) ? 2 : 0;
  const doc = new Document({
    creator: 'Gongkai',
    title,
    sections: [
      {
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 200 },
            children: [new TextRun({ text: title, bold: true, size: 44, font: { eastAsia: '方正小标宋简体' } })],
          }),
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 400 }, children: [run(trackingNo)] }),
          ...paras.map(
            (p, i) =>
              new Paragraph({
                alignment: i >= paras.length - tail ? AlignmentType.RIGHT : AlignmentType.JUSTIFIED,
                indent: i === 0 || i >= paras.length - tail ? undefined : { firstLine: 640 },
                spacing: { line: 560 },
                children: [run(p)],
              }),
          ),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
