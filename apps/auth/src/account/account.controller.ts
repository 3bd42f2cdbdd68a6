import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AccountUser, AuthExport, BusResult, NoData, SessionInfo } from '@hihi/contracts';
import { Handles, ok } from '@hihi/common/bus';
import {
  AccountDeleteBusDto,
  AvatarSetBusDto,
  CurrentSessionBusDto,
  PasswordChangeBusDto,
  ProfileUpdateBusDto,
  SessionLabelBusDto,
  SessionRevokeBusDto,
} from '@hihi/dto';
import { AccountService } from './account.service';

/** Bus handlers of one's own account (ACCOUNT_PROTOCOL, SPEC §10): thin, each one call. */
@Controller()
export class AccountController {
  constructor(private readonly account: AccountService) {}

  @Handles('accountProfileUpdate')
  async update(@Payload('data') dto: ProfileUpdateBusDto): Promise<BusResult<AccountUser>> {
    return ok(
      await this.account.updateProfile(dto.userId, {
        displayName: dto.displayName,
        email: dto.email,
        digest: dto.digest,
        language: dto.language,
      }),
    );
  }

  @Handles('accountAvatarSet')
  async avatar(@Payload('data') dto: AvatarSetBusDto): Promise<BusResult<AccountUser>> {
    return ok(await this.account.setAvatar(dto.userId, dto.avatar));
  }

  @Handles('accountPasswordChange')
  async password(@Payload('data') dto: PasswordChangeBusDto): Promise<BusResult<NoData>> {
    await this.account.changePassword(dto.userId, dto.sid, dto);
    return ok({});
  }

  @Handles('accountSessions')
  async sessions(@Payload('data') dto: CurrentSessionBusDto): Promise<BusResult<SessionInfo[]>> {
    return ok(await this.account.listSessions(dto.userId, dto.sid));
  }

  @Handles('accountSessionRevoke')
  async revoke(@Payload('data') dto: SessionRevokeBusDto): Promise<BusResult<NoData>> {
    await this.account.revokeSession(dto.userId, dto.id);
    return ok({});
  }

  @Handles('accountSessionLabel')
  async label(@Payload('data') dto: SessionLabelBusDto): Promise<BusResult<NoData>> {
    await this.account.labelSession(dto.userId, dto.sid, dto.userAgent);
    return ok({});
  }

  @Handles('accountDelete')
  async remove(@Payload('data') dto: AccountDeleteBusDto): Promise<BusResult<NoData>> {
    await this.account.deleteAccount(dto.userId, dto.password);
    return ok({});
  }

  @Handles('accountExport')
  async export(@Payload('data') dto: CurrentSessionBusDto): Promise<BusResult<AuthExport>> {
    return ok(await this.account.exportAccount(dto.userId, dto.sid));
  }
}
