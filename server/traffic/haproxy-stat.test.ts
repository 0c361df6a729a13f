import { describe, expect, it } from "vitest";
import { parseShowStat } from "./haproxy-stat";

// HAProxy 2.6.12's header line and one server line, as `show stat` answered them on the lab's balancer.
const HEADER =
  "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,h2_backend_open_streams,h2_total_connections,h2_backend_total_streams,h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,h1_spliced_bytes_in,h1_spliced_bytes_out,";
const REAL_BACKUP_LINE =
  "geo_americas,eu-west-1_backup,0,0,0,1,,4,444,492,,0,,0,0,0,0,UP,1,0,1,1,1,5,54,,1,3,3,,4,,2,0,,4,L7OK,200,1,0,4,0,0,0,0,,,,4,0,0,,,,,3,,,0,0,1,1,,,,Layer7 check passed,,2,2,3,,,,127.0.0.1:18092,,http,,,,,,,,0,4,0,,,2,,0,0,1,1,0,2,0,0,1,1,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,";

const columns = HEADER.slice(2).split(",");

/** A `show stat` line with the given columns set and every other one empty, as HAProxy leaves unused fields. */
function line(values: Record<string, string | number>): string {
  for (const name of Object.keys(values)) if (!columns.includes(name)) throw new Error(`no column ${name}`);
  return columns.map((name) => String(values[name] ?? "")).join(",");
}

const csv = (...lines: string[]) => [HEADER, ...lines, "", ""].join("\n");

describe("parseShowStat", () => {
  it("reads a real server line of HAProxy 2.6", () => {
    expect(parseShowStat(csv(REAL_BACKUP_LINE))).toEqual([
      {
        backend: "geo_americas",
        server: "eu-west-1_backup",
        region: "eu-west-1",
        backup: true,
        status: "UP",
        weight: 1,
        check: "L7OK 200",
        responses: 4,
        responses5xx: 0,
        connectionErrors: 0,
        avgResponseMs: 1,
        currentSessions: 0,
      },
    ]);
  });

  it("keeps only the servers of the geography backends", () => {
    const stats = parseShowStat(
      csv(
        line({ pxname: "fe", svname: "FRONTEND", status: "OPEN" }),
        line({ pxname: "geo_europe", svname: "eu-west-1", status: "UP", bck: 0, uweight: 100, weight: 100 }),
        line({ pxname: "geo_europe", svname: "BACKEND", status: "UP" }),
        line({ pxname: "stats", svname: "local", status: "UP" }),
      ),
    );
    expect(stats.map((s) => `${s.backend}/${s.server}`)).toEqual(["geo_europe/eu-west-1"]);
  });

  it("reads a failing check in words, the user-set weight, and the counters", () => {
    const [down] = parseShowStat(
      csv(
        line({
          pxname: "geo_americas",
          svname: "us-east-1",
          status: "DOWN",
          bck: 0,
          weight: 0,
          uweight: 50,
          check_status: "L4CON",
          last_chk: "Connection refused",
          hrsp_2xx: 90,
          hrsp_5xx: 7,
          hrsp_4xx: 3,
          econ: 2,
          wretr: 5,
          wredis: 1,
          rtime: 12,
          scur: 4,
        }),
      ),
    );
    expect(down).toMatchObject({
      region: "us-east-1",
      backup: false,
      status: "DOWN",
      weight: 50,
      check: "L4CON connection refused",
      responses: 100,
      responses5xx: 7,
      connectionErrors: 8,
      avgResponseMs: 12,
      currentSessions: 4,
    });
  });

  it("reads checks in progress, a server never checked, and no average without responses", () => {
    const [checking, slow, unchecked] = parseShowStat(
      csv(
        line({
          pxname: "geo_asia-pacific",
          svname: "ap-southeast-1",
          status: "UP 1/2",
          check_status: "* L7STS",
          check_code: 503,
          rtime: 0,
        }),
        // a check still running (the region answers slowly): HAProxy shows code 0 until it ends
        line({
          pxname: "geo_asia-pacific",
          svname: "eu-west-1",
          status: "UP",
          check_status: "* L7OK",
          check_code: 0,
          last_chk: "",
        }),
        line({ pxname: "geo_asia-pacific", svname: "us-east-1_backup", status: "no check", bck: 1, weight: 1 }),
      ),
    );
    expect(checking).toMatchObject({ status: "UP 1/2", check: "L7STS 503", avgResponseMs: null });
    expect(slow).toMatchObject({ status: "UP", check: "L7OK" });
    expect(unchecked).toMatchObject({ region: "us-east-1", backup: true, status: "no check", check: null, weight: 1 });
  });

  it("refuses an answer without the header line", () => {
    expect(() => parseShowStat("Unknown command.\n")).toThrow(/no header/);
  });
});
