import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Ip,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ACCOUNT_PATTERNS, AUTH_PATTERNS, EmailVerified } from '@hihi/contracts';
import { GatewayConfig } from '@hihi/config';
import { BusClient } from '@hihi/common/bus';
import { EmailVerifyDto, ErrorBodyDto, MailUnsubscribeDto, normalizeUsername, PasswordForgotDto } from '@hihi/dto';
import { AUTH_BUS } from '../bus/bus.module';
import { CorrelationId } from '../common/correlation-id.decorator';
import { unwrap } from '../common/bus-http';
import { AuthUser, CurrentUser, publicUser, RateLimitService, UserOnly } from '../auth';

/** Budgets of the mail routes (Redis counters shared by every gateway). */
export const MAIL_LIMITS = {
  /** forgot-password requests per client address per RATE_LIMIT_WINDOW_SEC */
  forgotPerIp: 10,
  /** forgot-password requests per username per hour (whoever asks: at most this many mails) */
  forgotPerName: 5,
  /** verification links opened per client address per RATE_LIMIT_WINDOW_SEC */
  verifyPerIp: 30,
  /** verification mails sent again per account per hour */
  resendPerUser: 5,
  /** unsubscribe links per client address per RATE_LIMIT_WINDOW_SEC */
  unsubscribePerIp: 30,
} as const;

/** The page GET /api/mail/unsubscribe answers (no user text in it; both languages). */
function unsubscribePage(done: boolean): string {
  const [en, zh] = done
    ? [
        'You will no longer get email digests. You can turn them on again in your profile.',
        '你将不再收到邮件摘要。你可以在个人资料中重新开启。',
      ]
    : ['This unsubscribe link is not valid.', '这个退订链接无效。'];
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1"><title>Hihi Chat · 嗨嗨聊天室</title></head>',
    `<body><main><h1>Hihi Chat · 嗨嗨聊天室</h1><p>${en}</p><p lang="zh-CN">${zh}</p><p><a href="/">Hihi Chat</a></p></main></body></html>`,
  ].join('');
}

/**
 * The account's mails at the gateway (SPEC §10): forgot password (always 202), verification
 * links (work signed out), sending the link again, and unsubscribe links (GET from the mail's
 * body, POST one-click from the List-Unsubscribe header, RFC 8058). Auth does the work.
 */
@ApiTags('account')
@Controller('api')
export class MailController {
  constructor(
    @Inject(AUTH_BUS) private readonly auth: BusClient,
    private readonly limits: RateLimitService,
    private readonly config: GatewayConfig,
  ) {}

  @Post('auth/forgot')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiTags('auth')
  @ApiOperation({
    summary:
      'Forgot password: 202 whatever the name; an account with a verified email gets a one-time reset link (30 min)',
  })
  @ApiAcceptedResponse({ description: 'accepted (the same for every name)' })
  @ApiTooManyRequestsResponse({
    description: 'too many requests from this address or for this name',
    type: ErrorBodyDto,
  })
  async forgot(
    @Body() body: PasswordForgotDto,
    @Ip() ip: string,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    const window = this.config.RATE_LIMIT_WINDOW_SEC;
    await this.limits.consume('forgot-ip', ip, MAIL_LIMITS.forgotPerIp, window, 'too many requests; try again later');
    await this.limits.consume(
      'forgot-name',
      normalizeUsername(body.username),
      MAIL_LIMITS.forgotPerName,
      3600,
      'too many requests; try again later',
    );
    unwrap(await this.auth.call(AUTH_PATTERNS.passwordForgot, { username: body.username }, { correlationId }));
  }

  @Post('me/email/verify')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Verify the email with its link's token (signed in or not, in any browser)" })
  @ApiOkResponse({ description: '`{email}`: the address now verified' })
  @ApiBadRequestResponse({
    description: 'unknown, expired or used link, or the address changed since',
    type: ErrorBodyDto,
  })
  async verify(
    @Body() body: EmailVerifyDto,
    @Ip() ip: string,
    @CorrelationId() correlationId: string,
  ): Promise<EmailVerified> {
    await this.limits.consume('verify-ip', ip, MAIL_LIMITS.verifyPerIp, this.config.RATE_LIMIT_WINDOW_SEC);
    return unwrap(await this.auth.call(ACCOUNT_PATTERNS.emailVerify, { token: body.token }, { correlationId }));
  }

  @Post('me/email/resend')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(UserOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Mail the verification link of the (unverified) address again' })
  @ApiNoContentResponse({ description: 'sent' })
  @ApiBadRequestResponse({ description: 'no address set', type: ErrorBodyDto })
  @ApiConflictResponse({ description: 'already verified, or this server sends no mail', type: ErrorBodyDto })
  async resend(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<void> {
    await this.limits.consume(
      'resend-user',
      user.id,
      MAIL_LIMITS.resendPerUser,
      3600,
      'too many mails; try again later',
    );
    unwrap(
      await this.auth.call(
        ACCOUNT_PATTERNS.emailResend,
        { userId: user.id },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }

  @Get('mail/unsubscribe')
  @ApiTags('auth')
  @ApiOperation({ summary: "A digest's unsubscribe link (signed out): the digest turns off; an HTML page says so" })
  async unsubscribePage(
    // checked by auth's MailUnsubscribeDto: a bad link is answered with the page, not JSON
    @Query('token') token: unknown,
    @Ip() ip: string,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ): Promise<void> {
    const done = await this.unsubscribe(typeof token === 'string' ? token : '', ip, correlationId).then(
      () => true,
      (err: unknown) => {
        if (err instanceof HttpException && err.getStatus() === 400) return false;
        throw err;
      },
    );
    res.status(done ? 200 : 400);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.send(unsubscribePage(done));
  }

  @Post('mail/unsubscribe')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiTags('auth')
  @ApiOperation({ summary: 'One-click unsubscribe (RFC 8058, List-Unsubscribe-Post): the digest turns off' })
  @ApiNoContentResponse({ description: 'the digest is off' })
  @ApiBadRequestResponse({ description: 'not a valid unsubscribe link', type: ErrorBodyDto })
  async unsubscribeOneClick(
    @Query() q: MailUnsubscribeDto,
    @Ip() ip: string,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    await this.unsubscribe(q.token, ip, correlationId);
  }

  private async unsubscribe(token: string, ip: string, correlationId: string): Promise<void> {
    await this.limits.consume('unsubscribe-ip', ip, MAIL_LIMITS.unsubscribePerIp, this.config.RATE_LIMIT_WINDOW_SEC);
    unwrap(await this.auth.call(ACCOUNT_PATTERNS.mailUnsubscribe, { token }, { correlationId }));
  }
}
