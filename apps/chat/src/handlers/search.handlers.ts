import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BusResult, SearchReply } from '@hihi/contracts';
import { Handles, ok } from '@hihi/common/bus';
import { SearchService } from '../search/search.service';
import { openCommand } from './open';

/** Chat's bus handler of message search. */
@Controller()
export class SearchHandlers {
  constructor(private readonly searcher: SearchService) {}

  @Handles('search')
  async search(@Payload() env: unknown): Promise<BusResult<SearchReply>> {
    const { actor, data } = openCommand('search', env);
    return ok(await this.searcher.search(actor, data));
  }
}
