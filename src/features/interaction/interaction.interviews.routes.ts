import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { newChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { pageCtx } from '../../web/portal.ts';
import { captchaForm, privateForms } from '../../web/public.forms.ts';
import { csrfToken, idParam, prefsOf, type RefusedForm, sendHtml, toTraditional } from '../../web/request.ts';
import { LiveStreams } from './interaction.interviews.live.ts';
import { interviewListQuery, liveQuery } from './interaction.interviews.schema.ts';
import {
  askQuestion,
  interviewImage,
  publicInterview,
  publishedInterviews,
  streamOf,
} from './interaction.interviews.service.ts';
import type { PostRow } from './interaction.interviews.store.ts';
import { AskPage, InterviewListPage, InterviewPage, PostItem } from './interaction.interviews.views.tsx';

const sentQuery = z.object({ sent: z.literal('1').optional().catch(undefined) });

/** Live readers one instance serves at most, and from one address. */
const LIVE_LIMITS = { total: 10_000, perAddress: 20 };
/** A comment line every so often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 20_000;

/** One follower of the live streams per instance (the portal's routes are mounted once per way a site is reached). */
const followers = new WeakMap<Ctx, LiveStreams>();

/** 在线访谈's public pages (kept like every public page), its live stream, and the question form (never kept). */
export async function interviewPortalRoutes(portal: FastifyInstance, ctx: Ctx) {
  let streams = followers.get(ctx);
  if (!streams) {
    const s = new LiveStreams(ctx.db, LIVE_LIMITS, 200, (e) => portal.log.warn(`live stream poll: ${String(e)}`));
    followers.set(ctx, s);
    streams = s;
  }
  const live = streams;
  // the readers' browsers reconnect (to another instance) when this one stops
  portal.addHook('preClose', async () => live.close());
  // a post as sent to each reader: rendered once per variant of the page
  const rendered = new LRUCache<string, string>({ max: 5000 });

  portal.get('/interviews', async (req, reply) => {
    const { page } = interviewListQuery.parse(req.query ?? {});
    const { rows, more } = await publishedInterviews(ctx, req.site.id, page);
    return sendHtml(req, reply, InterviewListPage({ ctx: await pageCtx(req, '/interviews'), rows, page, more }));
  });

  portal.get('/interviews/:id', async (req, reply) => {
    const d = await publicInterview(ctx, req.site.id, idParam(req, '在线访谈'));
    return sendHtml(req, reply, InterviewPage({ ctx: await pageCtx(req, '/interviews'), d }));
  });

  portal.get('/interviews/:id/images/:hash', async (req, reply) => {
    const picture = await interviewImage(
      ctx,
      req.site.id,
      idParam(req, '在线访谈'),
      (req.params as { hash: string }).hash,
    );
    return reply
      .type(picture.mime)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'public, max-age=86400')
      .send(picture.body);
  });

  // the live stream (server-sent events): the posts after the reader's last, then each as it comes, then `end`
  portal.get('/interviews/:id/live', async (req, reply) => {
    const { id } = await streamOf(ctx, req.site.id, idParam(req, '在线访谈'));
    const lastEvent = Number(req.headers['last-event-id']);
    const after = Number.isInteger(lastEvent) && lastEvent >= 0 ? lastEvent : liveQuery.parse(req.query ?? {}).after;
    // a HEAD asks whether there is a stream, not for it
    if (req.method === 'HEAD')
      return reply.type('text/event-stream; charset=utf-8').header('cache-control', 'no-store').send();
    if (!live.admits(req.ip)) throw new AppError('too_many', '直播连接过多，请稍后刷新页面');
    const hant = prefsOf(req).hant;
    const html = (p: PostRow) => {
      const key = `${req.base}|${id}|${p.seq}|${hant ? 't' : 's'}`;
      let h = rendered.get(key);
      if (h === undefined) {
        const page = PostItem({ base: req.base, interviewId: id, p }) as string;
        h = hant ? toTraditional(page) : page;
        rendered.set(key, h);
      }
      return h;
    };
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    res.write('retry: 3000\n\n');
    let leave = () => {};
    const keepalive = setInterval(() => res.write(': \n\n'), KEEPALIVE_MS);
    const finish = () => {
      clearInterval(keepalive);
      leave();
    };
    res.on('close', finish);
    try {
      leave = await live.join(id, after, req.ip, {
        post: (p) => res.write(`id: ${p.seq}\nevent: post\ndata: ${JSON.stringify({ seq: p.seq, html: html(p) })}\n\n`),
        end: (over) => {
          if (over) res.write('event: end\ndata: {}\n\n');
          res.end();
        },
      });
      if (res.destroyed) leave();
    } catch (e) {
      req.log.warn(`live stream: ${String(e)}`);
      res.end();
    }
    return reply;
  });

  await portal.register(async (app) => {
    privateForms(app);
    const askPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm, sent = false) => {
      const d = await publicInterview(ctx, req.site.id, idParam(req, '在线访谈'));
      if (d.stage === 'ended' && !sent) throw new AppError('conflict', '访谈已结束，不再征集问题');
      return AskPage({
        ctx: await pageCtx(req, '/interviews'),
        csrf: csrfToken(reply),
        i: d.i,
        challenge: newChallenge(dataKey(ctx.config), ctx.now()),
        values: refused?.values ?? {},
        errors: refused?.errors ?? {},
        message: refused?.message,
        sent,
      });
    };

    app.get('/interviews/:id/ask', async (req, reply) =>
      sendHtml(req, reply, askPage(req, reply, undefined, sentQuery.parse(req.query ?? {}).sent === '1')),
    );

    captchaForm(
      app,
      '/interviews/:id/ask',
      5,
      (req, _reply, fields, captcha) => askQuestion(ctx, req.site, idParam(req, '在线访谈'), fields, captcha, req.ip),
      (req, reply, refused) => askPage(req, reply, refused),
    );
  });
}
