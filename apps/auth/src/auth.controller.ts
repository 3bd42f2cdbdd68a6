import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_PATTERNS, AuthTokens, BusResult, GuestTokens, PublicUser } from '@hihi/contracts';
import { ok } from '@hihi/common';
import { FindUserDto, GuestDto, LoginDto, LogoutDto, MeDto, RefreshDto, RegisterDto } from '@hihi/dto';
import { AuthService } from './auth.service';

/**
 * Bus handlers of the auth service. The bus is an API too: every payload is validated by the
 * global strict ValidationPipe (`@Payload('data')` is the envelope's data), and every handler
 * answers a BusResult (thrown BusErrors become `{ ok: false }` in BusExceptionFilter).
 */
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @MessagePattern(AUTH_PATTERNS.register)
  async register(@Payload('data') dto: RegisterDto): Promise<BusResult<AuthTokens>> {
    return ok(await this.auth.register(dto));
  }

  @MessagePattern(AUTH_PATTERNS.login)
  async login(@Payload('data') dto: LoginDto): Promise<BusResult<AuthTokens>> {
    return ok(await this.auth.login(dto));
  }

  @MessagePattern(AUTH_PATTERNS.refresh)
  async refresh(@Payload('data') dto: RefreshDto): Promise<BusResult<AuthTokens>> {
    return ok(await this.auth.refresh(dto));
  }

  @MessagePattern(AUTH_PATTERNS.logout)
  async logout(@Payload('data') dto: LogoutDto): Promise<BusResult<Record<string, never>>> {
    await this.auth.logout(dto);
    return ok({});
  }

  @MessagePattern(AUTH_PATTERNS.logoutAll)
  async logoutAll(@Payload('data') dto: MeDto): Promise<BusResult<Record<string, never>>> {
    await this.auth.logoutAll(dto);
    return ok({});
  }

  @MessagePattern(AUTH_PATTERNS.guest)
  guest(@Payload('data') dto: GuestDto): BusResult<GuestTokens> {
    return ok(this.auth.guest(dto));
  }

  @MessagePattern(AUTH_PATTERNS.me)
  async me(@Payload('data') dto: MeDto): Promise<BusResult<PublicUser>> {
    return ok(await this.auth.me(dto));
  }

  @MessagePattern(AUTH_PATTERNS.findUser)
  async findUser(@Payload('data') dto: FindUserDto): Promise<BusResult<PublicUser>> {
    return ok(await this.auth.findUser(dto));
  }
}
