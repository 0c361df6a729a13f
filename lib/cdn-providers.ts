/** The CDN providers a region can serve through. */
export const cdnProviders = ["cloudflare", "bunny", "aws-cloudfront"] as const;
export type CdnProvider = (typeof cdnProviders)[number];
