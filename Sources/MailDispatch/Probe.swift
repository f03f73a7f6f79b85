import CCurl
enum Probe { static func v() -> String { String(cString: curl_version()) } }
