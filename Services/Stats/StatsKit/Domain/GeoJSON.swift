import Foundation
import PortServiceKit

/// Checks of GeoJSON geometry objects (RFC 7946): an object whose "type" is a geometry type, with "coordinates"
/// (an array) or, for a GeometryCollection, "geometries".
enum GeoJSON {
    static let geometryTypes: Set<String> = [
        "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection",
    ]
    static let maxBytes = 1_000_000

    static func check(_ text: String, field: String) throws {
        guard text.utf8.count <= maxBytes else {
            throw APIError.invalidArgument(field: field, "at most \(maxBytes) bytes")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw APIError.invalidArgument(field: field, "is not a JSON object")
        }
        guard let type = object["type"] as? String, geometryTypes.contains(type) else {
            throw APIError.invalidArgument(
                field: field, "\"type\" must be a GeoJSON geometry type (\(geometryTypes.sorted().joined(separator: ", ")))")
        }
        if type == "GeometryCollection" {
            guard object["geometries"] is [Any] else {
                throw APIError.invalidArgument(field: field, "a GeometryCollection has \"geometries\" (an array)")
            }
        } else {
            guard object["coordinates"] is [Any] else {
                throw APIError.invalidArgument(field: field, "a \(type) has \"coordinates\" (an array)")
            }
        }
    }
}
