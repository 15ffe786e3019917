//! The `example-tonic` program; the app it serves is the library beside it
//! (`src/lib.rs`), which the tests drive too.

use std::net::SocketAddr;

use example_tonic::{front_end, policy, serve_grpc};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let web = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 3000))).await?;
    let grpc = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 50051))).await?;
    let web_origin = format!("http://{}", web.local_addr()?);
    let grpc_base = format!("http://{}", grpc.local_addr()?);
    let policy = policy(&web_origin)?;

    println!("page:     {web_origin}/");
    println!("gRPC-web: {grpc_base} (grpc.health.v1.Health), CORS for {web_origin}");
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let page = axum::serve(web, front_end(&grpc_base));
    tokio::select! {
        r = serve_grpc(grpc, policy, ctrl_c) => r?,
        r = page => r?,
    }
    Ok(())
}
