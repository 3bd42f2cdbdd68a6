import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Attachment } from '@hihi/contracts';
import { ErrorBodyDto, UPLOAD_ID_PATTERN } from '@hihi/dto';
import { CorrelationId } from '../common/correlation-id.decorator';
import { ApiHttpException } from '../common/bus-http';
import { AllowGuests, AuthUser, CurrentUser, UserOnly } from '../auth';
import { INLINE_IMAGE_TYPES, UploadRefused } from './upload-processor';
import { UploadsService } from './uploads.service';

/** What multer hands over (memory storage): the whole file in a buffer, nothing on disk. */
interface UploadedBytes {
  originalname: string;
  buffer: Buffer;
  size: number;
}

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const utf8 = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

/**
 * POST /api/uploads (multipart, field `file`) and GET /api/uploads/:id. Thin: multer reads the
 * file into memory within UPLOAD_MAX_BYTES (413 beyond; an aborted request stores nothing),
 * UploadsService sniffs, re-encodes, stores and records it.
 */
@ApiTags('uploads')
@ApiBearerAuth()
@Controller('api/uploads')
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post()
  @HttpCode(201)
  @UseGuards(UserOnly)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Upload a file (field `file`); attach its id to a message with message:send' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ description: '{id, name, size, contentType, url, width?, height?}' })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ description: 'guests cannot upload', type: ErrorBodyDto })
  @ApiPayloadTooLargeResponse({ description: 'larger than UPLOAD_MAX_BYTES', type: ErrorBodyDto })
  @ApiUnsupportedMediaTypeResponse({ description: 'HTML, SVG, scripts, unknown types', type: ErrorBodyDto })
  async upload(
    @UploadedFile() file: UploadedBytes | undefined,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<Attachment> {
    if (!file?.buffer) throw new BadRequestException('send the file as multipart/form-data in the field "file"');
    try {
      return await this.uploads.create(user, file.originalname, file.buffer, correlationId);
    } catch (err) {
      if (err instanceof UploadRefused) throw new ApiHttpException(err.status, err.message);
      throw err;
    }
  }

  @Get(':id')
  @UseGuards(AllowGuests)
  @ApiOperation({ summary: "An upload's bytes: to its uploader, and once attached to the members of its room" })
  @ApiOkResponse({ description: 'the file, with its true content type' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  async download(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ): Promise<void> {
    if (!UPLOAD_ID_PATTERN.test(id)) throw new NotFoundException('no such upload');
    const { attachment, body } = await this.uploads.open(user, id, correlationId);
    const inline = INLINE_IMAGE_TYPES.has(attachment.contentType);
    res.status(200);
    res.setHeader('Content-Type', attachment.contentType);
    res.setHeader('Content-Length', String(attachment.size));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', attachment.name));
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=86400');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    await pipeline(body, res);
  }
}
