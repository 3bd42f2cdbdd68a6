import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuthTokens, BusResult, GuestTokens, LoginReply, NoData, PublicUser } from '@hihi/contracts';
import { Handles, ok } from '@hihi/common/bus';
import { GuestDto, LoginDto, LogoutDto, MeDto, RefreshDto, RegisterDto } from '@hihi/dto';
import { AuthService } from './auth.service';

/**
 * Bus handlers of the auth service, one per command of the protocol table (`@Handles`, which also
 * checks each answer's type). The bus is an API too: every payload is validated by the global
 * strict ValidationPipe (`@Payload('data')` is the envelope's data), and every handler answers a
 * BusResult (thrown BusErrors become `{ ok: false }` in BusExceptionFilter).
 */
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Handles('authRegister')
  async register(@Payload('data') dto: RegisterDto): Promise<BusResult<AuthTokens>> {
    return ok(await this.auth.register(dto));
  }

  @Handles('authLogin')
  async login(@Payload('data') dto: LoginDto): Promise<BusResult<LoginReply>> {
    return ok(await this.auth.login(dto));
  }

  @Handles('authRefresh')
  async refresh(@Payload('data') dto: RefreshDto): Promise<BusResult<AuthTokens>> {
    return ok(await this.auth.refresh(dto));
  }

  @Handles('authLogout')
  async logout(@Payload('data') dto: LogoutDto): Promise<BusResult<NoData>> {
    await this.auth.logout(dto);
    return ok({});
  }

  @Handles('authLogoutAll')
  async logoutAll(@Payload('data') dto: MeDto): Promise<BusResult<NoData>> {
    await this.auth.logoutAll(dto);
    return ok({});
  }

  @Handles('authGuest')
  guest(@Payload('data') dto: GuestDto): BusResult<GuestTokens> {
    return ok(this.auth.guest(dto));
  }

  @Handles('authMe')
  async me(@Payload('data') dto: MeDto): Promise<BusResult<PublicUser>> {
    return ok(await this.auth.me(dto));
  }
}
