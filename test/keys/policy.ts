// Policies with declared keys and teams, shared by the key tests: simulated models with prices
// (no sleeps: ttft and per_token 0), so spend is known to the cent and the clock only moves when told.
export const KEYS_POLICY = `
gateway { admin_token env("SWITCHYARD_ADMIN_TOKEN") }
provider sim { kind simulated  ttft 0ms  per_token 0ms  output_tokens 20 }
model cheap { provider sim  can [chat, stream]  price { input $1  output $2 } }
model pricey { provider sim  can [chat, stream]  price { input $10  output $30 } }
route chat {
  when key search-prod -> [pricey]
  when tag team "ads" -> [cheap]
  otherwise -> [cheap]
}
route premium { otherwise -> [pricey] }
team search { budget { spend $0.002/month }  tags { team "search" } }
team ads { tags { team "ads" } }
key search-prod {
  secret env("SWITCHYARD_KEY_SEARCH")
  routes [chat]
  limit { requests 600/min  tokens 2M/day }
  budget { spend $200/month }
  tags { env "prod" }
  team search
}
key ads-bot { secret env("SWITCHYARD_KEY_ADS")  limit { requests 3/min }  team ads }
key batch { secret env("SWITCHYARD_KEY_BATCH") }
`;

export const KEY_SECRETS: Record<string, string> = {
  SWITCHYARD_KEY_SEARCH: "sy-search-Zq8w3Kp1Lx7Vb2Nm",
  SWITCHYARD_KEY_ADS: "sy-ads-Hj4Tr9Ws6Yc1Qe5U",
  SWITCHYARD_KEY_BATCH: "sy-batch-Rt5Yu8Io2Pa4Sd7F",
  SWITCHYARD_ADMIN_TOKEN: "admin-token-for-tests",
};

/** 2026-03-10T10:00:10Z: ten seconds into a minute, so a per-minute window resets in 50 s. */
export const START = Date.UTC(2026, 2, 10, 10, 0, 10);
