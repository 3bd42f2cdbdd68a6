import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Attachment, CHAT_PATTERNS, UploadOpenReply } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { GatewayConfig } from '@hihi/config';
import { CHAT_BUS } from '../bus/bus.module';
import { unwrap } from '../common/bus-http';
import { newStorageKey, UploadStorage } from './upload-storage';
import { cleanFileName, processUpload } from './upload-processor';
import type { AuthUser } from '../auth';
import { publicUser } from '../auth';

/** How often each gateway asks chat for uploads never attached (and deletes their bytes). */
const SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Uploads: the bytes go to the storage under a random key, the metadata to chat (which decides
 * who may read them). A failure after the bytes are stored deletes them again.
 */
@Injectable()
export class UploadsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Uploads');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(CHAT_BUS) private readonly chat: BusClient,
    private readonly storage: UploadStorage,
    private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async create(
    user: AuthUser,
    originalName: string | undefined,
    bytes: Buffer,
    correlationId: string,
  ): Promise<Attachment> {
    const name = cleanFileName(originalName);
    const file = await processUpload(name, bytes);
    const storageKey = newStorageKey();
    await this.storage.put(storageKey, file.body, file.contentType);
    try {
      return unwrap(
        await this.chat.call(
          CHAT_PATTERNS.uploadCreate,
          {
            id: randomBytes(16).toString('base64url'),
            name,
            size: file.body.length,
            contentType: file.contentType,
            ...(file.width ? { width: file.width } : {}),
            ...(file.height ? { height: file.height } : {}),
            storageKey,
          },
          { correlationId, actor: publicUser(user) },
        ),
      );
    } catch (err) {
      await this.storage.delete(storageKey).catch(() => undefined);
      throw err;
    }
  }

  /** The upload and its bytes, when the caller may read it (chat decides). */
  async open(user: AuthUser, id: string, correlationId: string): Promise<UploadOpenReply & { body: Readable }> {
    const reply = unwrap(
      await this.chat.call(CHAT_PATTERNS.uploadOpen, { id }, { correlationId, actor: publicUser(user) }),
    );
    return { ...reply, body: await this.storage.get(reply.storageKey) };
  }

  /** Forget uploads never attached for UPLOAD_UNATTACHED_TTL_SEC and delete their bytes; answers how many. */
  async sweep(): Promise<number> {
    try {
      const result = await this.chat.call(
        CHAT_PATTERNS.uploadsSweep,
        { olderThanSec: this.config.UPLOAD_UNATTACHED_TTL_SEC },
        { correlationId: `sweep-${randomBytes(6).toString('hex')}` },
      );
      if (!result.ok) throw new Error(result.error.message);
      for (const key of result.data.storageKeys) await this.storage.delete(key).catch(() => undefined);
      if (result.data.storageKeys.length)
        this.logger.log(`deleted ${result.data.storageKeys.length} unattached uploads`);
      return result.data.storageKeys.length;
    } catch (err) {
      this.logger.warn(`upload sweep failed: ${(err as Error).message}`);
      return 0;
    }
  }
}
