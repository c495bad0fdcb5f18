/** The back office of 网上调查: the surveys, a survey's questionnaire, its results so far and its answers. */
import type { Principal } from '../../core/access.ts';
import { fmtDateTime } from '../../web/format.ts';
import {
  ActionForm,
  Checkbox,
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  optionsOf,
  Select,
  str,
  TextArea,
  TextField,
} from '../../web/forms.tsx';
import { Pager, Paragraphs } from '../../web/layout.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import type { StoredQuestion } from './interaction.surveys.rules.ts';
import { MAX_QUESTIONS, SURVEY_KINDS, SURVEY_STAGES, type SurveyStage, ticked } from './interaction.surveys.rules.ts';
import type { OpenedSurvey } from './interaction.surveys.service.ts';
import { ONE_ANSWER, QuestionField, QuestionResults } from './interaction.surveys.views.tsx';

export function SurveysPage(props: {
  principal: Principal;
  csrf: string;
  rows: {
    id: number;
    title: string;
    agency: string;
    opens_on: string;
    closes_on: string;
    responses: number;
    results_published_at: Date | null;
    stage: SurveyStage;
  }[];
  total: number;
  page: number;
  pages: number;
  flash?: string;
}): JSX.Element {
  return (
    <AdminLayout title="网上调查" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>网上调查</h1>
      <p>
        承办机构编制问卷，审核人发布后群众在线作答；调查结果经审核人公布后以图表形式在网站公开，答卷可导出为 Excel。
      </p>
      <p>
        <a class="btn" href="/admin/surveys/new">
          新建网上调查
        </a>
      </p>
      <p safe>{`共 ${props.total} 项`}</p>
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">标题</th>
            <th scope="col">调查单位</th>
            <th scope="col">调查时间</th>
            <th scope="col">状态</th>
            <th scope="col">答卷</th>
            <th scope="col">结果</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td data-label="标题">
                <a href={`/admin/surveys/${r.id}`} safe>
                  {r.title}
                </a>
              </td>
              <td data-label="调查单位" safe>
                {r.agency}
              </td>
              <td data-label="调查时间" safe>{`${r.opens_on} 至 ${r.closes_on}`}</td>
              <td data-label="状态" safe>
                {SURVEY_STAGES[r.stage]}
              </td>
              <td data-label="答卷" safe>
                {String(r.responses)}
              </td>
              <td data-label="结果">{r.results_published_at ? '已公布' : '未公布'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={props.page} pages={props.pages} href={(p) => `/admin/surveys?page=${p}`} />
    </AdminLayout>
  );
}

/** The questionnaire as a form: the heading, then a block per question and two empty ones to add questions. */
function SurveyFields(props: { values: FormValues; errors: FieldErrors; agencies: [string, string][] }) {
  const { values: v, errors: e } = props;
  // the blocks up to the last one with a question, then two empty ones
  let written = 0;
  for (let i = 1; i <= Math.min(MAX_QUESTIONS, Number.parseInt(str(v.count), 10) || 0); i++)
    if (str(v[`q${i}_prompt`]).trim()) written = i;
  const blocks = Math.min(MAX_QUESTIONS, written + 2);
  return (
    <>
      <Select name="agencyId" label="调查单位" options={props.agencies} value={v.agencyId} errors={e} />
      <TextField name="title" label="调查标题 *" values={v} errors={e} max={100} />
      <TextArea name="intro" label="调查说明（目的、用途）" values={v} errors={e} rows={4} max={5000} />
      <TextField name="opensOn" label="开始日期" values={v} errors={e} type="date" required />
      <TextField name="closesOn" label="结束日期" values={v} errors={e} type="date" required />
      <input type="hidden" name="count" value={String(blocks)} />
      <h2>题目</h2>
      <p class="hint">
        题目留空的不保存；每次保存后下面再留出两道空题，可继续添加。选择题、矩阵题的选项每行一个；矩阵题另填各行（如要评价的各个方面），每行选一项。
      </p>
      {Array.from({ length: blocks }, (_, n) => {
        const i = n + 1;
        return (
          <fieldset class="survey-q">
            <legend safe>{i > written ? `第 ${i} 题（新增，可留空）` : `第 ${i} 题`}</legend>
            <Select
              name={`q${i}_kind`}
              label="题型"
              options={optionsOf(SURVEY_KINDS)}
              value={v[`q${i}_kind`] ?? 'single'}
              errors={e}
            />
            <TextField name={`q${i}_prompt`} label="题目" values={v} errors={e} max={300} />
            <Checkbox name={`q${i}_required`} label="必答" checked={n >= written || ticked(v[`q${i}_required`])} />
            <TextArea
              name={`q${i}_options`}
              label="选项（选择题、矩阵题的各列；每行一个）"
              values={v}
              errors={e}
              rows={4}
              max={2200}
            />
            <TextArea name={`q${i}_rows`} label="矩阵题的各行（每行一个）" values={v} errors={e} rows={3} max={2200} />
          </fieldset>
        );
      })}
    </>
  );
}

export function SurveyFormPage(props: {
  principal: Principal;
  csrf: string;
  agencies: [string, string][];
  values: FormValues;
  errors: FieldErrors;
  message?: string;
}): JSX.Element {
  return (
    <AdminLayout title="新建网上调查" principal={props.principal} csrf={props.csrf}>
      <p>
        <a href="/admin/surveys">← 网上调查</a>
      </p>
      <h1>新建网上调查</h1>
      <FormMessage message={props.message} />
      <form method="post" action="/admin/surveys" class="form-wide">
        <Csrf token={props.csrf} />
        <SurveyFields values={props.values} errors={props.errors} agencies={props.agencies} />
        <p>
          <button type="submit" class="btn">
            保存草稿
          </button>
        </p>
      </form>
    </AdminLayout>
  );
}

export function SurveyAdminPage(props: {
  principal: Principal;
  csrf: string;
  o: OpenedSurvey;
  agencies: [string, string][];
  draftValues: FormValues;
  publicPath: string;
  refused?: { form: string; values: FormValues; errors: FieldErrors; message: string };
  flash?: string;
}): JSX.Element {
  const { o, csrf } = props;
  const { s } = o;
  const base = `/admin/surveys/${s.id}`;
  const v = (form: string) => (props.refused?.form === form ? props.refused.values : {});
  const e = (form: string) => (props.refused?.form === form ? props.refused.errors : {});
  return (
    <AdminLayout title={s.title} principal={props.principal} csrf={csrf} flash={props.flash}>
      <p>
        <a href="/admin/surveys">← 网上调查</a>
      </p>
      <h1 safe>{s.title}</h1>
      <FormMessage message={props.refused?.message} />
      <table class="meta">
        <tbody>
          <tr>
            <th scope="row">状态</th>
            <td safe>{`${SURVEY_STAGES[o.stage]}${s.results_published_at ? '，结果已公布' : ''}`}</td>
          </tr>
          <tr>
            <th scope="row">调查时间</th>
            <td safe>{`${s.opens_on} 至 ${s.closes_on}`}</td>
          </tr>
          <tr>
            <th scope="row">答卷</th>
            <td safe>{`${o.responses} 份`}</td>
          </tr>
          {s.withdrawn_reason ? (
            <tr>
              <th scope="row">撤回理由</th>
              <td safe>{s.withdrawn_reason}</td>
            </tr>
          ) : (
            ''
          )}
        </tbody>
      </table>
      <p class="hint">{ONE_ANSWER}</p>
      {s.published_at && !s.withdrawn_reason ? (
        <p>
          <a href={props.publicPath}>在网站上查看</a>
          {o.may.export ? (
            <>
              {' · '}
              <a href={`${base}/answers.xlsx`}>导出全部答卷（Excel）</a>
            </>
          ) : (
            ''
          )}
          {o.may.register && !s.results_published_at ? (
            <>
              {' · '}
              <a href={`${base}/paper`}>录入纸质问卷</a>
            </>
          ) : (
            ''
          )}
        </p>
      ) : (
        ''
      )}
      {o.stage === 'draft' && o.may.edit ? (
        <form method="post" action={base} class="form-wide">
          <Csrf token={csrf} />
          <SurveyFields values={{ ...props.draftValues, ...v('save') }} errors={e('save')} agencies={props.agencies} />
          <p>
            <button type="submit" class="btn secondary">
              保存草稿
            </button>
          </p>
        </form>
      ) : (
        ''
      )}
      {o.stage === 'draft' && o.may.publish ? (
        <ActionForm action={`${base}/publish`} label="发布调查" csrf={csrf}>
          <p class="hint">发布后即在网站公开（开始日期已过的，从今天起算），问卷不能再修改。</p>
        </ActionForm>
      ) : (
        ''
      )}
      {s.published_at && !s.results_published_at && !s.withdrawn_reason && o.may.results ? (
        <ActionForm action={`${base}/results`} label="公布调查结果" csrf={csrf}>
          <p class="hint">公布后，各题的统计图表在调查页面公开（文字回答不公开）；调查进行中公布的，结果随答卷更新。</p>
        </ActionForm>
      ) : (
        ''
      )}
      {s.published_at && !s.withdrawn_reason && o.may.withdraw ? (
        <ActionForm action={`${base}/withdraw`} label="撤回调查" csrf={csrf} secondary>
          <TextField name="reason" label="撤回理由 *" values={v('withdraw')} errors={e('withdraw')} max={500} />
        </ActionForm>
      ) : (
        ''
      )}
      {o.stage !== 'draft' ? (
        <section aria-labelledby="results">
          <h2 id="results">调查结果（实时）</h2>
          {o.results.map((r) => (
            <>
              <QuestionResults r={r} />
              {r.question.kind === 'text' ? (
                <details>
                  <summary
                    safe
                  >{`最近的文字回答（${(o.texts.get(r.question.id) ?? []).length} 条，全部见导出）`}</summary>
                  <ol class="comments">
                    {(o.texts.get(r.question.id) ?? []).map((t) => (
                      <li>
                        <p class="muted" safe>
                          {fmtDateTime(t.submitted_at)}
                        </p>
                        <Paragraphs text={t.text ?? ''} />
                      </li>
                    ))}
                  </ol>
                </details>
              ) : (
                ''
              )}
            </>
          ))}
        </section>
      ) : (
        ''
      )}
    </AdminLayout>
  );
}

/** A questionnaire answered on paper, entered by staff one after another. */
export function PaperPage(props: {
  principal: Principal;
  csrf: string;
  s: { id: number; title: string };
  questions: StoredQuestion[];
  responses: number;
  values: FormValues;
  errors: FieldErrors;
  message?: string;
  flash?: string;
}): JSX.Element {
  const base = `/admin/surveys/${props.s.id}`;
  return (
    <AdminLayout
      title={`录入纸质问卷 - ${props.s.title}`}
      principal={props.principal}
      csrf={props.csrf}
      flash={props.flash}
    >
      <p>
        <a href={base}>← 返回调查</a>
      </p>
      <h1 safe>{`录入纸质问卷：${props.s.title}`}</h1>
      <p
        safe
      >{`在服务大厅、社区等处收回的纸质问卷在此逐份录入，与网上答卷一并统计。目前共有答卷 ${props.responses} 份。`}</p>
      <FormMessage message={props.message} />
      <form method="post" action={`${base}/paper`} class="form-wide">
        <Csrf token={props.csrf} />
        {props.questions.map((q) => (
          <QuestionField q={q} values={props.values} errors={props.errors} />
        ))}
        <p>
          <button type="submit" class="btn">
            录入本份问卷
          </button>
        </p>
      </form>
    </AdminLayout>
  );
}
