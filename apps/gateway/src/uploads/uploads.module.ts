import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { GatewayConfig } from '@hihi/config';
import { AuthModule } from '../auth/auth.module';
import { UploadsController } from './uploads.controller';
import { UploadsService } from './uploads.service';
import { LocalUploadStorage, s3Client, S3UploadStorage, UploadStorage } from './upload-storage';

/** Uploads: multer (memory, limits from configuration), the storage, the controller and the sweep. */
@Module({
  imports: [
    AuthModule,
    MulterModule.registerAsync({
      inject: [GatewayConfig],
      // no `storage` or `dest`: multer keeps the file in memory (nothing on disk until it is accepted)
      useFactory: (config: GatewayConfig) => ({
        // browsers send UTF-8 file names without saying so (multer's default would read them as latin1)
        defParamCharset: 'utf8',
        limits: { fileSize: config.UPLOAD_MAX_BYTES, files: 1, fields: 0, parts: 1, headerPairs: 20 },
      }),
    }),
  ],
  controllers: [UploadsController],
  providers: [
    {
      provide: UploadStorage,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig): UploadStorage =>
        config.UPLOAD_STORAGE === 's3'
          ? new S3UploadStorage(
              s3Client({
                bucket: config.S3_BUCKET!,
                region: config.S3_REGION,
                endpoint: config.S3_ENDPOINT,
                accessKeyId: config.S3_ACCESS_KEY_ID,
                secretAccessKey: config.S3_SECRET_ACCESS_KEY,
              }),
              config.S3_BUCKET!,
            )
          : new LocalUploadStorage(config.uploadDir),
    },
    UploadsService,
  ],
  exports: [UploadStorage],
})
export class UploadsModule {}
