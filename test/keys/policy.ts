// Policies with declared keys and teams, shared by the key tests: two teams on simulated models
// with prices, so spend is known to the cent.
export const KEYS_POLICY = `
provider sim { kind simulated  ttft 0ms  per_token 0ms  output_tokens 20 }
model cheap { provider sim  can [chat, stream]  price { input $1  output $2 } }
model pricey { provider sim  can [chat, stream]  price { input $10  output $30 } }
route chat {
  when key search-prod -> [pricey]
  when tag team "ads" -> [cheap]
  otherwise -> [cheap]
}
route embed { otherwise -> [cheap] }
team search { budget { spend $5/month }  tags { team "search" } }
team ads { limit { requests 3/min }  tags { team "ads" } }
key search-prod {
  secret env("SWITCHYARD_KEY_SEARCH")
  routes [chat]
  limit { requests 600/min  tokens 2M/day }
  budget { spend $200/month }
  tags { env "prod" }
  team search
}
key ads-bot { secret env("SWITCHYARD_KEY_ADS")  team ads }
`;

export const KEY_SECRETS: Record<string, string> = {
  SWITCHYARD_KEY_SEARCH: "sy-search-Zq8w3Kp1Lx7Vb2Nm",
  SWITCHYARD_KEY_ADS: "sy-ads-Hj4Tr9Ws6Yc1Qe5U",
};
